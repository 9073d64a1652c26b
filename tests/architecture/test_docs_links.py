"""Every docs page and heading that casemock's code and docs point to exists.

Docstrings and error messages cite the user docs as ``docs/PAGE.md`` or
``docs/PAGE.md#heading-anchor`` (GitHub's anchor of a heading); the pages link each other
as ``[text](PAGE.md#anchor)``. A renamed heading or page fails here, not in a reader's
browser.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import ROOT

DOCS = ROOT / "docs"
_CITED = re.compile(r"docs/([a-z0-9-]+\.md)(?:#([a-z0-9-]+))?")
_LINKED = re.compile(r"\]\(([a-z0-9-]+\.md)(?:#([a-z0-9-]+))?\)")


def anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found = set()
    in_code = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            found.add(anchor(line.lstrip("#")))
    return found


def references() -> list[tuple[str, str, str | None]]:
    found = []
    for path in sorted((ROOT / "casemock").rglob("*.py")):
        for page, heading in _CITED.findall(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(ROOT)), page, heading or None))
    for path in [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        for page, heading in _CITED.findall(text) + _LINKED.findall(text):
            found.append((str(path.relative_to(ROOT)), page, heading or None))
    return found


def test_cited_pages_and_headings_exist() -> None:
    broken = []
    for source, page, heading in references():
        target = DOCS / page
        if not target.exists():
            broken.append(f"{source}: docs/{page} does not exist")
        elif heading is not None and heading not in anchors(target):
            broken.append(f"{source}: docs/{page} has no heading #{heading}")
    assert broken == []


def test_the_code_cites_headings() -> None:
    """The check above has something to check: the backend cites behaviour headings."""
    cited = {(page, heading) for _, page, heading in references() if heading}
    assert ("behaviour.md", "cases") in cited


def test_anchor_follows_github() -> None:
    assert anchor(" Fields and options") == "fields-and-options"
    assert anchor("Protocol and validation") == "protocol-and-validation"
    assert anchor("`casemock-server`: the CLI") == "casemock-server-the-cli"
