"""The behaviour settings (``casemock.Settings``) as command-line options, derived from
the dataclass: one flag per field that takes a number, a string or a switch
(``--domains 10``, ``--no-enforce-required-rules``, ``--single-line-text-limit none``),
and ``--settings JSON`` for several at once. A field added to ``Settings`` gets its flag
(and its CASEMOCK_* variable, see ``cli``) without a change here.

The actions record ``(field, value)`` pairs in order on the namespace
(``settings_updates``); applied in that order, a later source wins: the command line
after the environment, a single field's flag after a JSON object given before it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import types
import typing
from collections.abc import Collection
from typing import Any

from casemock._settings import Settings


class UsageError(Exception):
    """A bad option or environment variable (exit status 2)."""


@dataclasses.dataclass(frozen=True)
class SettingOption:
    """One field of ``Settings`` as a command-line option."""

    name: str  # the field
    kind: type  # int, float, str or bool
    optional: bool  # None is allowed ("none" on the command line)
    flag: str

    def convert(self, text: str) -> Any:
        if self.optional and text.strip().lower() in ("none", "null"):
            return None
        try:
            return self.kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {self.describe()}, got {text!r}") from None

    def check(self, value: Any) -> Any:
        """A value from ``--settings`` JSON, checked against the field's type."""
        if value is None and self.optional:
            return None
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, self.kind) and (self.kind is bool or not isinstance(value, bool)):
            return value
        raise UsageError(f"--settings: {self.name} must be {self.describe()}, not {value!r}")

    def describe(self) -> str:
        names = {int: "a whole number", float: "a number", str: "a string", bool: "true or false"}
        return names[self.kind] + (" or none" if self.optional else "")


IN_PROCESS = frozenset({"full_signing"})


def setting_options(taken: Collection[str] = ()) -> list[SettingOption]:
    """The ``Settings`` fields that take a scalar value (a callable, for instance, cannot
    come from the command line), with their flags; a flag that a server option already
    uses becomes ``--setting-NAME``. Settings of the in-process patch only (``IN_PROCESS``)
    have no flag: a server's clients sign their own requests."""
    hints = typing.get_type_hints(Settings)
    found = []
    for field in dataclasses.fields(Settings):
        kind, optional = _scalar(hints[field.name])
        if kind is None or field.name in IN_PROCESS:
            continue
        flag = "--" + field.name.replace("_", "-")
        if flag in taken:
            flag = "--setting-" + field.name.replace("_", "-")
        found.append(SettingOption(field.name, kind, optional, flag))
    return found


def _scalar(hint: Any) -> tuple[type | None, bool]:
    if hint in (int, float, str, bool):
        return hint, False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(members) == 1 and members[0] in (int, float, str, bool):
            return members[0], True
    return None, False


class SettingsJson(argparse.Action):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        try:
            parsed = json.loads(values)
        except ValueError as failure:
            raise UsageError(f"--settings is not JSON: {failure}") from None
        if not isinstance(parsed, dict):
            raise UsageError("--settings takes a JSON object, e.g. '{\"domains\": 10}'")
        options = {option.name: option for option in setting_options()}
        updates = _updates(namespace)
        for name, value in parsed.items():
            option = options.get(name)
            if option is None:
                known = ", ".join(sorted(options))
                raise UsageError(f"--settings: unknown setting {name!r}; the settings are {known}")
            updates.append((name, option.check(value)))


class SettingValue(argparse.Action):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        _updates(namespace).append((self.dest.removeprefix("setting:"), values))


class SettingSwitch(argparse.BooleanOptionalAction):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        value = not (option_string or "").startswith("--no-")
        _updates(namespace).append((self.dest.removeprefix("setting:"), value))


def _updates(namespace: argparse.Namespace) -> list[tuple[str, Any]]:
    updates: list[tuple[str, Any]] | None = getattr(namespace, "settings_updates", None)
    if updates is None:
        updates = []
        namespace.settings_updates = updates
    return updates
