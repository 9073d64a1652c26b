"""Notebooks: readable reprs and escaped HTML tables of the mock's state."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from casemock import CasesMock
from casemock.seeding import create_cases, seed_domain
from casemock.views._html import MAX_ROWS
from tests.helpers import run_python_blocks

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

SCRIPT = "<script>alert('x')</script>"


class Cells(HTMLParser):
    """The text of every table cell and caption, and the tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.tags: set[str] = set()
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in ("td", "th", "caption"):
            self._open = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th", "caption"):
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.cells[-1] += data


def parse(html: str) -> Cells:
    parser = Cells()
    parser.feed(html)
    return parser


def seeded(mock: CasesMock, title: str = "Printer on fire", count: int = 1) -> tuple[str, str]:
    domain = seed_domain(
        mock,
        "support",
        fields=[{"name": "Priority", "type": "SingleSelect", "options": ["high", "low"]}],
        template={"name": "Default", "required": ["Priority"]},
    )
    assert domain.template_id is not None
    rows = [
        {"title": f"{title} {i}" if count > 1 else title, "Priority": "high"} for i in range(count)
    ]
    create_cases(mock, domain.domain_id, domain.template_id, rows)
    return domain.domain_id, domain.template_id


def test_backend_html_shows_domains_templates_fields_and_cases(mock: CasesMock) -> None:
    domain_id, template_id = seeded(mock)
    case = next(iter(mock.backend().domains[domain_id].cases.values()))
    cells = parse(mock.backend()._repr_html_()).cells
    for expected in ("support", domain_id, "Default", template_id, "Priority", "high, low"):
        assert expected in cells
    for expected in ("Printer on fire", "open", str(case.reference_number), case.case_id):
        assert expected in cells
    assert any(cell.startswith(f"{case.created:%Y-%m-%d %H:%M:%S}") for cell in cells)
    assert "Reference number" in cells
    assert "Created" in cells


def test_html_escapes_what_users_typed(mock: CasesMock) -> None:
    domain_id, _ = seeded(mock, title=SCRIPT)
    html = mock.backend()._repr_html_()
    parsed = parse(html)
    assert "script" not in parsed.tags
    assert SCRIPT in parsed.cells
    assert "&lt;script&gt;" in html
    case = next(iter(mock.backend().domains[domain_id].cases.values()))
    assert "script" not in parse(case._repr_html_()).tags
    assert "script" not in parse(mock._repr_html_()).tags


def test_many_cases_show_the_most_recent(mock: CasesMock) -> None:
    domain_id, _ = seeded(mock, title="case", count=MAX_ROWS + 5)
    cells = parse(mock.backend().domains[domain_id]._repr_html_()).cells
    titles = [cell for cell in cells if cell.startswith("case ")]
    assert titles == [f"case {i}" for i in range(5, MAX_ROWS + 5)]
    assert f"{MAX_ROWS + 5} cases (the {MAX_ROWS} most recent shown)" in cells


def test_collections_and_cases_have_html(mock: CasesMock, client: ConnectCasesClient) -> None:
    domain_id, _ = seeded(mock)
    domain = mock.backend().domains[domain_id]
    assert "Printer on fire" in parse(domain.cases._repr_html_()).cells  # type: ignore[attr-defined]
    assert "Priority" in parse(domain.fields._repr_html_()).cells  # type: ignore[attr-defined]
    assert "Default" in parse(domain.templates._repr_html_()).cells  # type: ignore[attr-defined]
    assert domain.layouts._repr_html_() == "<p>0 layouts</p>"  # type: ignore[attr-defined]
    assert "support" in parse(mock.backend().domains._repr_html_()).cells  # type: ignore[attr-defined]
    case = next(iter(domain.cases.values()))
    cells = parse(case._repr_html_()).cells
    assert cells[cells.index("Title") : cells.index("Title") + 3] == [
        "Title",
        "title",
        "Printer on fire",
    ]


def test_mock_repr_and_html(mock: CasesMock) -> None:
    seeded(mock)
    assert repr(mock).startswith("<CasesMock active account_id='123456789012'")
    cells = parse(mock._repr_html_()).cells
    assert "support" in cells
    assert "CasesMock" in mock._repr_html_()


def test_empty_backend_html(mock: CasesMock) -> None:
    cells = parse(mock.backend()._repr_html_()).cells
    assert "0 domains" in cells


def test_notebooks_page_runs() -> None:
    namespace = run_python_blocks("notebooks.md")
    assert namespace["case"].value("Priority") in ("high", "low")
    assert not namespace["m"].active
