"""The Python examples of docs/server.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "server.md"


def test_python_examples_of_the_server_page_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 3
    for number, block in enumerate(blocks):
        namespace: dict[str, object] = {"__name__": f"server_md_{number}"}
        exec(compile(block, f"{PAGE.name} block {number}", "exec"), namespace)


def test_the_page_links_the_committed_screenshot() -> None:
    assert "](images/dashboard.png)" in PAGE.read_text(encoding="utf-8")
    assert (PAGE.parent / "images" / "dashboard.png").stat().st_size > 50_000
