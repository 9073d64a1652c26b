"""The system fields every new domain has (Admin Guide, "Create case fields").

Ids, display names and types are documented; ``namespace`` is ``System``. ``status`` comes
with the options ``open`` and ``closed``. Fields set by the service are read-only on cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from casemock.backend._context import Context
from casemock.backend._records import Domain, Field, FieldOption


@dataclass(frozen=True)
class SystemField:
    field_id: str
    name: str
    type: str
    description: str
    service_set: bool = False  # written by the service, never by CreateCase/UpdateCase
    listed: bool = True  # returned by ListFields


SYSTEM_FIELDS: tuple[SystemField, ...] = (
    SystemField("title", "Title", "Text", "Title of the case"),
    SystemField("status", "Status", "SingleSelect", "Status of the case"),
    SystemField("summary", "Summary", "Text", "Summary of the case"),
    SystemField("customer_id", "Customer", "Text", "Customer Profiles ARN of the customer"),
    SystemField("reference_number", "Reference number", "Text", "Reference number of the case"),
    SystemField("case_reason", "Case Reason", "SingleSelect", "Reason for the case"),
    SystemField(
        "assigned_queue", "Assigned queue", "Text", "ARN of the queue the case is assigned to"
    ),
    SystemField(
        "assigned_user", "Assigned user", "Text", "ARN of the user the case is assigned to"
    ),
    SystemField("case_id", "Case Id", "Text", "Unique Identifier of the case", service_set=True),
    SystemField(
        "created_datetime",
        "Date/Time Opened",
        "DateTime",
        "Date and time the case was opened",
        service_set=True,
    ),
    SystemField(
        "last_updated_datetime",
        "Date/Time Updated",
        "DateTime",
        "Date and time the case was last updated",
        service_set=True,
    ),
    SystemField(
        "last_closed_datetime",
        "Date/Time Closed",
        "DateTime",
        "Date and time the case was last closed",
        service_set=True,
    ),
    SystemField("created_by", "Created By", "User", "User who created the case", service_set=True),
    SystemField(
        "last_updated_user",
        "Last Updated User",
        "User",
        "User who performed the last update",
        service_set=True,
    ),
    SystemField(
        "next_sla_breach_datetime",
        "Next SLA breach",
        "DateTime",
        "Earliest target time of an unfulfilled SLA",
        service_set=True,
        listed=False,
    ),
    SystemField(
        "last_reopened_datetime",
        "Date/Time Reopened",
        "DateTime",
        "Date and time the case was last reopened",
        service_set=True,
        listed=False,
    ),
)

BY_ID = {f.field_id: f for f in SYSTEM_FIELDS}
SERVICE_SET = frozenset(f.field_id for f in SYSTEM_FIELDS if f.service_set)
STATUS_OPTIONS = (("Open", "open"), ("Closed", "closed"))
# Option values on ``status`` that cannot be renamed or deactivated (Admin Guide).
FIXED_STATUS_VALUES = frozenset(value for _, value in STATUS_OPTIONS)


def is_listed(field_id: str) -> bool:
    """Whether ListFields returns this field (custom fields always are)."""
    spec = BY_ID.get(field_id)
    return spec is None or spec.listed


def seed(ctx: Context, domain: Domain) -> None:
    """Add the system fields (and the status options) to a new domain."""
    now = ctx.now()
    for spec in SYSTEM_FIELDS:
        record = Field(
            seq=ctx.next_seq(),
            field_id=spec.field_id,
            arn=f"{domain.arn}/field/{spec.field_id}",
            name=spec.name,
            type=spec.type,
            namespace="System",
            description=spec.description,
            attributes=None,
            created_time=now,
            last_modified_time=now,
        )
        if spec.field_id == "status":
            record.options = {v: FieldOption(name, v, True) for name, v in STATUS_OPTIONS}
        domain.fields[spec.field_id] = record
