"""Quotas and behaviour switches of a mock, with the documented defaults.

Every quota of the service is configurable (``mock_cases(settings=Settings(domains=10))``);
where the real behaviour is [INFERRED] or [UNDOCUMENTED], the switch says which choice
casemock makes (see docs/behaviour.md).

The realism switches (docs/realism.md) make production behaviours appear on purpose:
asynchronous merges, external resources that must exist, the documented request rates and
searches that lag behind writes. Each is off by default; ``Settings.with_realism("aws")``
(``mock_cases(realism="aws")``) turns them all on.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from casemock._errors import CasesMockError

# The values each realism preset gives the switches it turns on (docs/realism.md).
REALISM: dict[str, dict[str, Any]] = {
    "aws": {
        # "It typically takes less than a few seconds for the change to propagate":
        # https://docs.aws.amazon.com/connect/latest/APIReference/eventual-consistency.html
        "search_delay": 2.0,
        # "The merge runs asynchronously" (StartMergeCases); no duration is documented.
        "merge_polls_until_complete": 1,
        "merge_seconds": 2.0,
        "resolve_external_resources": True,
        "rate_limits": True,
    },
}


def _count_problem(value: Any) -> str | None:
    if type(value) is not int or value < 0:
        return "a quota is a whole number, 0 or more."
    return None


def number_problem(value: Any, positive: bool = False) -> str | None:
    """Why ``value`` is not a finite number of 0 or more (above 0 with ``positive``)."""
    if type(value) not in (int, float) or not math.isfinite(value):
        return "must be a finite number."
    if value < 0 or (positive and value == 0):
        return "must be greater than 0." if positive else "must be 0 or more."
    return None


def _flag_problem(value: Any) -> str | None:
    return None if type(value) is bool else "must be True or False."


_QUOTAS = [
    "domains",
    "fields",
    "field_options",
    "layouts",
    "templates",
    "case_rules",
    "fields_per_layout",
    "related_items_per_case",
    "files_per_case",
    "slas_per_case",
    "fields_per_custom_related_item",
    "tags_per_resource",
    "deleted_layouts",
    "deleted_templates",
    "merge_polls_until_complete",
]
_FLAGS = [
    "require_customer_id",
    "enforce_required_rules",
    "enforce_field_option_rules",
    "resolve_external_resources",
    "rate_limits",
    "full_signing",
]
_KINDS: dict[str, Callable[[Any], str | None]] = {
    **dict.fromkeys(_QUOTAS, _count_problem),
    **dict.fromkeys(_FLAGS, _flag_problem),
    "merge_seconds": number_problem,
    "search_delay": number_problem,
    "single_line_text_limit": lambda value: (
        None
        if value is None or (type(value) is int and value > 0)
        else "give a number of characters greater than 0, or None for the model's limit."
    ),
    "reference_number_length": lambda value: (
        None if type(value) is int and 1 <= value <= 50 else "give a length from 1 to 50."
    ),
    "reference_number_alphabet": lambda value: (
        None
        if isinstance(value, str) and len(value) >= 2 and value.isalnum() and value.isascii()
        else "give at least two letters or digits."
    ),
    "iam_principal_arn": lambda value: None if isinstance(value, str) else "give a str.",
    "contact_resolver": lambda value: (
        None if value is None or callable(value) else "give a callable or None."
    ),
    "rate_limit_overrides": lambda value: (
        None if isinstance(value, Mapping) else "give a mapping of operation names."
    ),
}


@dataclass(frozen=True)
class Settings:
    # Resource quotas (Admin Guide, "Amazon Connect Cases service quotas").
    domains: int = 5
    fields: int = 500
    field_options: int = 500
    layouts: int = 100
    templates: int = 100
    case_rules: int = 100
    fields_per_layout: int = 100
    related_items_per_case: int = 200
    files_per_case: int = 50
    slas_per_case: int = 10
    fields_per_custom_related_item: int = 5
    tags_per_resource: int = 50
    # Deletions per domain (API reference, DeleteLayout and DeleteTemplate: "You can delete
    # up to 100 layouts/templates per domain"); beyond them ValidationException.
    deleted_layouts: int = 100
    deleted_templates: int = 100
    # Behaviour switches.
    single_line_text_limit: int | None = 500  # None: only the model's 4100 applies
    require_customer_id: bool = False  # strict reading of the API reference
    iam_principal_arn: str = "arn:aws:iam::{account_id}:role/casemock"
    # Cases (docs/behaviour.md#cases).
    enforce_required_rules: bool = True  # template `required` case rules on Create/UpdateCase
    enforce_field_option_rules: bool = False  # template `fieldOptions` rules on written values
    reference_number_length: int = 9  # generated reference numbers (legacy service: 8 digits)
    reference_number_alphabet: str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    # StartMergeCases (docs/realism.md): the merge runs until GetMergeCasesStatus has
    # answered IN_PROGRESS this many times, or until this many seconds of the mock's clock
    # have passed, whichever of the two set comes first (both 0: the merge completes
    # within StartMergeCases).
    merge_polls_until_complete: int = 0
    merge_seconds: float = 0.0
    # Related items (docs/behaviour.md#related-items): contactArn -> {"channel",
    # "connectedToSystemTime"} of the Connect contact (None or missing keys: VOICE and the
    # time of association). Contacts registered with CasesMock.add_contact come first.
    contact_resolver: Callable[[str], Mapping[str, Any] | None] | None = None
    # External resources (docs/realism.md): refuse contact, user, file and customer
    # profile ARNs that are not registered on the mock (ResourceNotFoundException).
    resolve_external_resources: bool = False
    # Request rates (docs/realism.md): each operation limited per account and Region to
    # the documented rate and burst (ThrottlingException); overrides map an operation to
    # (requests per second, burst), or to None for no limit.
    rate_limits: bool = False
    rate_limit_overrides: Mapping[str, tuple[float, float] | None] = field(
        default_factory=dict, hash=False
    )
    # Search consistency (docs/realism.md): seconds of the mock's clock before a write is
    # seen by SearchCases, SearchRelatedItems, SearchAllRelatedItems, ListCasesForContact.
    search_delay: float = 0.0
    # Signing (docs/performance.md): while the mock is active, boto3 writes a well-formed
    # SigV4 Authorization header for connectcases requests without computing the HMAC
    # (casemock reads only the access key and Region of it); True computes the real
    # signature, as does the environment variable CASEMOCK_FULL_SIGNING=1 (read when a
    # mock is created).
    full_signing: bool = False

    def __post_init__(self) -> None:
        """Refuse values no run could use, with a CasesMockError naming the field (a
        reference number alphabet of one letter would make the second CreateCase search
        for a free number forever)."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            kind = _KINDS.get(f.name)
            if kind is None:
                continue
            problem = kind(value)
            if problem:
                raise CasesMockError(f"Settings.{f.name}={value!r}: {problem}")
        if len(set(self.reference_number_alphabet)) != len(self.reference_number_alphabet):
            raise CasesMockError(
                f"Settings.reference_number_alphabet={self.reference_number_alphabet!r}: "
                "each character may appear only once."
            )
        overrides: Mapping[str, Any] = self.rate_limit_overrides  # as given, not as typed
        for operation, limit in overrides.items():
            if limit is None:
                continue
            if (
                not isinstance(limit, (tuple, list))
                or len(limit) != 2
                or any(number_problem(part, positive=True) for part in limit)
            ):
                raise CasesMockError(
                    f"Settings.rate_limit_overrides[{operation!r}]={limit!r}: give "
                    "(requests per second, burst), two positive numbers, or None for no limit."
                )

    def with_realism(self, preset: str | None) -> Settings:
        """These settings with every realism switch of ``preset`` that is still off turned
        on to the preset's value (a switch you set yourself keeps your value); ``None``
        returns the settings unchanged. The one preset is ``"aws"`` (docs/realism.md)."""
        if preset is None:
            return self
        values = REALISM.get(preset)
        if values is None:
            raise CasesMockError(
                f"Unknown realism preset {preset!r}; the presets are "
                f"{', '.join(repr(name) for name in REALISM)} (or None for none)."
            )
        defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
        changes = {k: v for k, v in values.items() if getattr(self, k) == defaults[k]}
        return dataclasses.replace(self, **changes)
