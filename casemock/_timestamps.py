"""Timestamps, in one place: the epoch, ISO-8601 formatting as the service writes it,
and the readings of ISO-8601 text that the protocol, the backend and snapshots share.

- ``format_timestamp``: what every answer carries (UTC, milliseconds, ``Z``).
- ``parse_iso``: a strict ISO-8601 date-time (``datetime.fromisoformat`` plus ``Z``), as
  the wire decoder and the snapshot codec read it; naive values are taken as UTC.
- ``parse_instant``: the lenient reading of a field value that search, case values and
  the views share (a date, or a date-time with any precision and offset), as
  microseconds since the epoch, so equal instants compare equal however they are written.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)

_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"([Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
)


def format_timestamp(value: datetime) -> str:
    """ISO-8601 in UTC with milliseconds, as the service writes it."""
    if value.tzinfo is not timezone.utc:  # what handlers store needs no conversion
        value = value.astimezone(timezone.utc)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (  # noqa: UP031 (the fastest formatting)
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond // 1000,
    )


def parse_iso(text: str) -> datetime:
    """A strict ISO-8601 date-time as an aware datetime (naive: UTC); ValueError if not."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def micros(moment: datetime) -> int:
    """Microseconds since the epoch (exact, unlike float timestamps)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(instant: int) -> datetime:
    """The aware UTC datetime ``instant`` microseconds after the epoch."""
    return EPOCH + timedelta(microseconds=instant)


def parse_instant(text: str) -> int | None:
    """Microseconds since the epoch of an ISO-8601 date or date-time, or None.

    Accepted: ``YYYY-MM-DD``, optionally ``THH:MM[:SS[.fraction]]`` and an offset (``Z``,
    ``+HH:MM``, ``+HHMM``, ``+HH``); without an offset the time is UTC.
    """
    if len(text) < 10 or text[4] != "-" or text[7] != "-":
        return None
    if len(text) == 24 and text[23] == "Z" and text[19] == "." and text.isascii():
        # The form the service writes (2024-05-01T12:00:00.000Z), read in C; anything
        # fromisoformat refuses is left to the general reading.
        try:
            moment = datetime.fromisoformat(text[:23])
        except ValueError:
            return _parse_date_like(text)
        if moment.tzinfo is None and text[10] == "T":
            delta = moment - _NAIVE_EPOCH  # naive arithmetic: no offset to look up
            return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return _parse_date_like(text)


def parse_datetime(text: str) -> datetime | None:
    """An ISO-8601 date or date-time as an aware UTC datetime; None if ``text`` is not
    one (the same reading as ``parse_instant``)."""
    instant = parse_instant(text)
    return None if instant is None else from_micros(instant)


@functools.lru_cache(maxsize=4096)  # a case's created and updated times repeat across writes
def _parse_date_like(text: str) -> int | None:
    found = _DATETIME.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = found.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None
    instant = (moment - EPOCH) // _MICROSECOND
    if offset and offset not in "Zz":
        digits = offset[1:].replace(":", "")
        shift = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        if shift >= 24 * 60:
            return None
        instant -= (1 if offset[0] == "+" else -1) * shift * 60_000_000
    return instant
