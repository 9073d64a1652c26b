"""Quotas and behaviour switches of a mock, with the documented defaults.

Every quota of the service is configurable (``mock_cases(settings=Settings(domains=10))``);
where the real behaviour is [INFERRED] or [UNDOCUMENTED], the switch says which choice
casemock makes (see docs/behaviour.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


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
    # Cases (docs/behaviour.md, "Cases").
    enforce_required_rules: bool = True  # template `required` case rules on Create/UpdateCase
    enforce_field_option_rules: bool = False  # template `fieldOptions` rules on written values
    reference_number_length: int = 9  # generated reference numbers (legacy service: 8 digits)
    reference_number_alphabet: str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    # StartMergeCases: GetMergeCasesStatus polls answered IN_PROGRESS before the merge
    # completes (0: the merge completes within StartMergeCases).
    merge_polls_until_complete: int = 0
    # Related items (docs/behaviour.md, "Related items"): contactArn -> {"channel",
    # "connectedToSystemTime"} of the Connect contact (None or missing keys: VOICE and the
    # time of association).
    contact_resolver: Callable[[str], Mapping[str, Any] | None] | None = None
