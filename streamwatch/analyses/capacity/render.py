"""The plan as rich tables (one per section) or as JSON.

Example::

    print_plan(plan, Console())
    text = plan_json(plan)
"""

from __future__ import annotations

import json

from streamwatch.analyses.capacity.model import Line, Plan

SECTIONS = {
    "events": "Events from {viewers:,} concurrent viewers",
    "kinesis": "Kinesis Data Streams",
    "flink": "Managed Service for Apache Flink",
    "quotas": "Quotas and bounds: what this size needs raised",
    "s3": "S3 lake, per zone",
    "redshift": "Redshift storage",
    "operations": "Operations: Athena, Glue, Redshift compute, CloudWatch, KMS",
    "cost": "Monthly cost",
    "sources": "Prices and limits used (check every price before relying on it)",
}


def format_value(line: Line) -> str:
    value, unit = line.value, line.unit
    if isinstance(value, str):
        return value
    if unit == "bytes":
        return human_bytes(value)
    if unit == "bytes/s":
        return human_bytes(value) + "/s"
    if unit == "$":
        return f"${value:,.0f}"
    if unit.startswith("$/"):
        return f"${value:g}{unit[1:]}"
    if unit == "x":
        return f"{value:.3f}x"
    number = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"
    return f"{number} {unit}".rstrip()


def human_bytes(count: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(count) < 1024 or unit == "PiB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def print_plan(plan: Plan, console) -> None:
    from rich.table import Table

    for section, title in SECTIONS.items():
        lines = [line for line in plan.lines if line.section == section]
        if not lines:
            continue
        table = Table(title=title.format(viewers=plan.settings.concurrent_viewers), title_justify="left",
                      header_style="bold", show_lines=True, expand=True)
        table.add_column("figure", ratio=2)
        table.add_column("value", justify="right", min_width=18)
        table.add_column("rests on (measurement, limit or assumption)", ratio=6)
        table.add_column("price as of", ratio=1)
        for line in lines:
            table.add_row(line.figure, format_value(line), line.basis, ", ".join(line.price_dates))
        console.print(table)


def plan_json(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), indent=2)
