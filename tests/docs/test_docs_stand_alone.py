"""The project stands alone: the README and docs/ link nothing outside the repository, every link
they make resolves to a file or folder that exists, and the contract lives in docs/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_link_stays_in_the_repository_and_resolves(page):
    text = page.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        assert not re.match(r"[a-z]+://", target), f"{page.name} links outside the repository: {target}"
        path = target.split("#", 1)[0]
        if not path:
            continue
        resolved = (page.parent / path).resolve()
        assert resolved.is_relative_to(REPO), f"{page.name} links outside the repository: {target}"
        assert resolved.exists(), f"{page.name} links to {target}, which does not exist"
    assert "../shared" not in text and "DESIGN.md" not in text, f"{page.name} points at a file outside the repo"


def test_the_contract_is_in_docs_and_the_readme_points_at_it():
    contract = (REPO / "docs" / "contract.md").read_text(encoding="utf-8")
    for section in ("## §1 Events", "## §2 Metrics", "## §3 Lake layout and tables", "## §4 When a day is complete"):
        assert section in contract
    from batch.event_contract import EVENT_FIELDS

    for field in EVENT_FIELDS:  # every field of the event contract is described
        assert f"| `{field}` |" in contract, field
    assert "(docs/contract.md)" in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_quickstart_uses_only_what_the_repository_has():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^make (\w+)", readme, flags=re.M):
        assert re.search(rf"^{target}:", makefile, flags=re.M), f"README runs `make {target}`, which the Makefile lacks"
