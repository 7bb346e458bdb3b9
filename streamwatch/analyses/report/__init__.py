"""The lake's self-contained HTML report: play starts per minute with their outage baseline (when
the lake has ``processed/play_starts_1m``), watch time per hour, top titles, device split and
session lengths, as Vega-Altair charts with tooltips, inlined with vl-convert's bundle (no script or
style from anywhere else: the page opens offline).

``build_report(lake, out=None) -> Path`` gathers the numbers with the local Athena engine and
``streamwatch.analyses.play_starts`` (``report.data``), specifies the charts (``report.charts``) and writes
the page (``report.page``).
"""

from __future__ import annotations

from pathlib import Path

REPORT_FILE = "report.html"


def build_report(lake: Path, out: Path | None = None) -> Path:
    """Write the report of ``lake`` to ``out`` (default ``<lake>/report.html``) and return its path."""
    from streamwatch.analyses.report.data import gather
    from streamwatch.analyses.report.page import render

    lake = Path(lake)
    target = Path(out) if out is not None else lake / REPORT_FILE
    html = render(gather(lake), lake)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(target)  # never a half-written page under the real name
    return target
