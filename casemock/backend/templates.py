"""Templates: which layout a case shows, which fields are required, which case rules apply
and which tags propagate (CreateTemplate, GetTemplate, UpdateTemplate, DeleteTemplate,
ListTemplates).

``require_template`` resolves a template id for other families (cases, search)."""

from __future__ import annotations

from casemock._errors import not_found
from casemock.backend._records import Domain, Template


def require_template(domain: Domain, template_id: str) -> Template:
    """The template with this id; ResourceNotFoundException (resourceType Template) if none.

    A soft-deleted template is returned (with ``deleted`` set); callers decide what a
    deleted template means for them."""
    found = domain.templates.get(template_id)
    if found is None:
        raise not_found(
            "Template",
            template_id,
            f"Template {template_id} not found in domain {domain.domain_id}",
        )
    return found
