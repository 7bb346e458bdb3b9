"""The lake's self-contained HTML report: watch time per hour, top titles, device split and
session lengths as inline SVG charts (no script or style from anywhere else).

``build_report(lake, out=None) -> Path`` gathers the numbers with the local Athena engine
(``report.data``), draws them (``report.charts``) and writes the page (``report.page``).
"""

from __future__ import annotations

from pathlib import Path

REPORT_FILE = "report.html"


def build_report(lake: Path, out: Path | None = None) -> Path:
    """Write the report of ``lake`` to ``out`` (default ``<lake>/report.html``) and return its path."""
    from streamwatch.report.data import gather
    from streamwatch.report.page import render

    lake = Path(lake)
    target = Path(out) if out is not None else lake / REPORT_FILE
    html = render(gather(lake), lake)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target
