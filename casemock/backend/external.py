"""What lives outside Cases: Connect contacts, users and attached files, and Customer
Profiles profiles, as a test registers them on the mock (``CasesMock.add_contact`` and
friends; docs/realism.md).

A registered contact gives Contact related items its real ``channel`` and
``connectedToSystemTime``. With ``Settings.resolve_external_resources`` a write that names
an ARN nobody registered is refused with ``ResourceNotFoundException`` (the error the
service's documentation gives for a resource it cannot find), before the handler runs:

- ``performedBy.userArn`` (documented: the caller needs ``connect:DescribeUser`` on it);
- ``content.contact.contactArn`` of CreateRelatedItem (documented: ``DescribeContact``);
- ``content.file.fileArn`` of CreateRelatedItem;
- ``userArnValue`` values and ``customer_id`` values written to cases or custom related
  items (BatchUpdateCase's ``customerId`` too).

Searches and filters may name any ARN: looking for something that does not exist is not
an error. The registry is part of the mock's state: ``start()`` empties it and snapshots
carry it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from casemock._errors import CasesMockError, not_found, validation_error

CONTACT_ARN = re.compile(r"arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance/[^/]+/contact/[^/]+")
FILE_ARN = re.compile(r"arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance/[^/]+/file/[^/]+")
USER_ARN = re.compile(r"arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance/[^/]+/user/[^/]+")
PROFILE_ARN = re.compile(r"arn:aws[a-z-]*:profile:[a-z0-9-]+:\d{12}:domains/[^/]+/profiles/[^/]+")
# Any well-formed ARN: partition, service, region (may be empty), account (may be empty).
ANY_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:\S+")


def check_performer(params: Mapping[str, Any]) -> None:
    """``performedBy.userArn`` must be an ARN (spec 8.1: the mock accepts any well-formed
    one; AWS looks the user up with ``connect:DescribeUser``), since the service writes it
    into ``created_by``/``last_updated_user`` and the audit history: ValidationException."""
    performer = params.get("performedBy")
    if not performer:
        return
    user = performer.get("userArn")
    if isinstance(user, str) and ANY_ARN.fullmatch(user) is None:
        raise validation_error(
            f"performedBy.userArn must be an ARN (arn:<partition>:<service>:<region>:"
            f"<account>:<resource>), such as an Amazon Connect user ARN, not {user[:100]!r}."
        )


# kind -> (ARN pattern, what it is, resourceType of the ResourceNotFoundException)
KINDS: dict[str, tuple[re.Pattern[str], str, str]] = {
    "contact": (CONTACT_ARN, "an Amazon Connect contact ARN", "Contact"),
    "user": (USER_ARN, "an Amazon Connect user ARN", "User"),
    "file": (FILE_ARN, "an Amazon Connect attached file ARN", "File"),
    "customer_profile": (PROFILE_ARN, "a Customer Profiles profile ARN", "CustomerProfile"),
}
MAX_CHANNEL = 100  # the model's Channel: 1-100 characters


@dataclass(frozen=True)
class Contact:
    arn: str
    channel: str
    connected_at: datetime


class ExternalResources:
    """The registry of one mock: contacts (with channel and connection time), users, files
    and customer profiles, by ARN."""

    def __init__(self) -> None:
        self.contacts: dict[str, Contact] = {}
        self.users: set[str] = set()
        self.files: set[str] = set()
        self.customer_profiles: set[str] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"<ExternalResources contacts={len(self.contacts)} users={len(self.users)} "
            f"files={len(self.files)} customer_profiles={len(self.customer_profiles)}>"
        )

    def __bool__(self) -> bool:
        return bool(self.contacts or self.users or self.files or self.customer_profiles)

    # -- registering ---------------------------------------------------------------------

    def add_contact(self, arn: str, channel: object, connected_at: object) -> Contact:
        _check_arn("contact", arn)
        if not isinstance(channel, str) or not 1 <= len(channel) <= MAX_CHANNEL:
            raise CasesMockError(
                f"channel must be a string of 1 to {MAX_CHANNEL} characters (VOICE, CHAT, "
                f"TASK, EMAIL, ...), got {channel!r}."
            )
        if not isinstance(connected_at, datetime):
            raise CasesMockError(f"connected_at must be a datetime, got {connected_at!r}.")
        if connected_at.tzinfo is None:
            connected_at = connected_at.replace(tzinfo=timezone.utc)
        contact = Contact(arn, channel, connected_at)
        with self._lock:
            self.contacts[arn] = contact
        return contact

    def add(self, kind: str, arn: str) -> None:
        """Register a user, file or customer profile ARN."""
        _check_arn(kind, arn)
        with self._lock:
            self._set(kind).add(arn)

    def _set(self, kind: str) -> set[str]:
        found: set[str] = {
            "user": self.users,
            "file": self.files,
            "customer_profile": self.customer_profiles,
        }[kind]
        return found

    def clear(self) -> None:
        with self._lock:
            self.contacts.clear()
            self.users.clear()
            self.files.clear()
            self.customer_profiles.clear()

    def replace_with(self, other: ExternalResources) -> None:
        """Take ``other``'s content (restoring a snapshot keeps this object)."""
        with self._lock:
            self.contacts = dict(other.contacts)
            self.users = set(other.users)
            self.files = set(other.files)
            self.customer_profiles = set(other.customer_profiles)

    # -- looking up ----------------------------------------------------------------------

    def knows(self, kind: str, arn: str) -> bool:
        if kind == "contact":
            return arn in self.contacts
        return arn in self._set(kind)

    # -- snapshots -----------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """The registry as JSON data (the ``external`` key of a state document)."""
        with self._lock:
            return {
                "contacts": [
                    {
                        "arn": c.arn,
                        "channel": c.channel,
                        "connectedToSystemTime": c.connected_at.isoformat(),
                    }
                    for c in self.contacts.values()
                ],
                "users": sorted(self.users),
                "files": sorted(self.files),
                "customerProfiles": sorted(self.customer_profiles),
            }

    @classmethod
    def load(cls, data: Any) -> ExternalResources:
        """A registry from :meth:`dump` data; ValueError when it does not describe one."""
        if not isinstance(data, Mapping):
            raise ValueError(f"external: expected an object, got {data!r}")
        loaded = cls()
        try:
            for entry in data.get("contacts", []):
                moment = datetime.fromisoformat(entry["connectedToSystemTime"])
                loaded.add_contact(entry["arn"], entry["channel"], moment)
            for key, kind in (
                ("users", "user"),
                ("files", "file"),
                ("customerProfiles", "customer_profile"),
            ):
                for arn in data.get(key, []):
                    loaded.add(kind, arn)
        except (CasesMockError, KeyError, TypeError) as error:
            raise ValueError(f"external: {error}") from None
        return loaded


def _check_arn(kind: str, arn: object) -> None:
    pattern, what, _ = KINDS[kind]
    if not isinstance(arn, str) or pattern.fullmatch(arn) is None:
        raise CasesMockError(f"{arn!r} is not {what}.")


# -- the references a write makes ---------------------------------------------------------


def _values(fields: Any) -> Iterator[tuple[str, str]]:
    """(kind, ARN) of the user and customer profile values in a list of FieldValues."""
    for entry in fields or ():
        value = entry.get("value") or {}
        user = value.get("userArnValue")
        if isinstance(user, str):
            yield "user", user
        field_id = entry.get("id") or (entry.get("fieldIdentifier") or {}).get("id")
        text = value.get("stringValue")
        if field_id == "customer_id" and isinstance(text, str) and text:
            yield "customer_profile", text


def references(operation: str, params: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(kind, ARN) of every external resource a write names (``performedBy.userArn``
    first)."""
    user = (params.get("performedBy") or {}).get("userArn")
    if isinstance(user, str):
        yield "performer", user
    if operation in ("CreateCase", "UpdateCase", "BatchUpdateCase"):
        yield from _values(params.get("fields"))
        customer = params.get("customerId")
        if isinstance(customer, str) and customer:
            yield "customer_profile", customer
    elif operation in ("CreateRelatedItem", "UpdateRelatedItem"):
        content = params.get("content") or {}
        contact = (content.get("contact") or {}).get("contactArn")
        if isinstance(contact, str):
            yield "contact", contact
        file = (content.get("file") or {}).get("fileArn")
        if isinstance(file, str):
            yield "file", file
        yield from _values((content.get("custom") or {}).get("fields"))


def check_references(
    registry: ExternalResources,
    operation: str,
    params: Mapping[str, Any],
    contact_resolver: Any = None,
) -> None:
    """ResourceNotFoundException for the first ARN the write names that is not registered
    (a contact the ``contact_resolver`` setting knows counts as registered). A malformed
    ARN is left to the handler's ValidationException; a ``performedBy.userArn`` that is an
    ARN but not a Connect user's is simply not found."""
    for named, arn in references(operation, params):
        kind = "user" if named == "performer" else named
        pattern, _, resource_type = KINDS[kind]
        if registry.knows(kind, arn):
            continue
        if (ANY_ARN if named == "performer" else pattern).fullmatch(arn) is None:
            continue  # malformed: the handler's ValidationException
        if kind == "contact" and contact_resolver is not None and contact_resolver(arn):
            continue
        raise not_found(
            resource_type,
            arn,
            f"{resource_type} {arn} not found. casemock resolves external resources "
            "(Settings.resolve_external_resources): register it on the mock first, e.g. "
            f"m.add_{kind}({arn!r}).",
        )
