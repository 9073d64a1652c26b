"""Case fields: the system fields seeded in every domain and the custom fields an
administrator creates (CreateField, UpdateField, DeleteField, ListFields, BatchGetField).

``live_field`` and ``require_field`` are the lookups other families use to resolve a
field id (cases, case rules, search)."""

from __future__ import annotations

from casemock._errors import not_found
from casemock.backend._records import Domain, Field


def live_field(domain: Domain, field_id: str) -> Field | None:
    """The field with this id if it exists in the domain and is not deleted."""
    found = domain.fields.get(field_id)
    if found is None or found.deleted:
        return None
    return found


def require_field(domain: Domain, field_id: str) -> Field:
    """The live field with this id; ResourceNotFoundException (resourceType Field) if none."""
    found = live_field(domain, field_id)
    if found is None:
        raise not_found(
            "Field", field_id, f"Field {field_id} not found in domain {domain.domain_id}"
        )
    return found
