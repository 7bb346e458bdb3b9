"""Small inline SVG charts: columns, horizontal bars and a donut. Every data mark has class
``mark`` and a ``<title>`` (the browser's tooltip); an empty series draws a "no data" note."""

from __future__ import annotations

import math
from html import escape

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#d53f8c", "#805ad5", "#319795", "#d69e2e", "#718096")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _svg(kind: str, label: str, width: int, height: int, body: list[str]) -> str:
    head = (
        f'<svg class="chart chart-{kind}" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width: {width}px" '
        'xmlns="http://www.w3.org/2000/svg">'
    )
    return "\n".join([head, *body, "</svg>"])


def _empty(kind: str, label: str, width: int, height: int) -> str:
    text = f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" class="empty">no data</text>'
    return _svg(kind, label, width, height, [text])


def column_chart(label: str, labels: list[str], values: list[float], unit: str,
                 width: int = 860, height: int = 320) -> str:
    """Vertical bars, one per label, with a value axis; at most ~16 x labels are written."""
    if not labels:
        return _empty("columns", label, width, height)
    left, right, top, bottom = 56, 48, 14, 72
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(values) or 1.0
    step = plot_w / len(values)
    every = max(1, math.ceil(len(labels) / 16))
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" class="axis"/>']
    for k in range(5):
        level = peak * k / 4
        y = top + plot_h - plot_h * k / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="grid"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_fmt(level)}</text>')
    for n, (name, value) in enumerate(zip(labels, values)):
        bar_h = plot_h * value / peak
        x = left + n * step + step * 0.12
        body.append(
            f'<rect class="mark" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{step * 0.76:.1f}" '
            f'height="{bar_h:.1f}" fill="{PALETTE[0]}"><title>{escape(name)}: {_fmt(value)} {escape(unit)}</title></rect>'
        )
        if n % every == 0:
            cx, cy = left + n * step + step / 2, top + plot_h + 12
            body.append(
                f'<text x="{cx:.1f}" y="{cy:.1f}" transform="rotate(40 {cx:.1f} {cy:.1f})" class="tick">'
                f"{escape(name)}</text>"
            )
    body.append(f'<text x="12" y="{top + plot_h / 2:.1f}" transform="rotate(-90 12 {top + plot_h / 2:.1f})" '
                f'text-anchor="middle" class="unit">{escape(unit)}</text>')
    return _svg("columns", label, width, height, body)


def bar_chart(label: str, labels: list[str], values: list[float], unit: str, width: int = 860) -> str:
    """Horizontal bars, largest first as given, value written at the end of each bar."""
    row = 26
    height = max(60, row * len(labels) + 16)
    if not labels:
        return _empty("bars", label, width, height)
    left, right = 250, 90
    peak = max(values) or 1.0
    body = []
    for n, (name, value) in enumerate(zip(labels, values)):
        y = 8 + n * row
        bar_w = (width - left - right) * value / peak
        short = name if len(name) <= 34 else name[:33] + "…"
        body.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" class="label">{escape(short)}</text>')
        body.append(
            f'<rect class="mark" x="{left}" y="{y}" width="{max(bar_w, 1):.1f}" height="{row - 8}" '
            f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(name)}: {_fmt(value)} {escape(unit)}</title></rect>'
        )
        body.append(f'<text x="{left + bar_w + 6:.1f}" y="{y + 15}" class="value">{_fmt(value)} {escape(unit)}</text>')
    return _svg("bars", label, width, height, body)


def donut_chart(label: str, labels: list[str], values: list[float], unit: str, size: int = 240) -> str:
    """Shares of a whole as a ring, with a legend beside it."""
    width, height = size + 300, size
    total = sum(values)
    if not labels or total <= 0:
        return _empty("donut", label, width, height)
    cx = cy = size / 2
    outer, inner = size / 2 - 8, size / 2 - 56
    body, angle = [], -math.pi / 2
    for n, (name, value) in enumerate(zip(labels, values)):
        share = value / total
        sweep = min(share * 2 * math.pi, 2 * math.pi - 1e-4)
        end = angle + sweep
        large = 1 if sweep > math.pi else 0
        points = [(cx + r * math.cos(a), cy + r * math.sin(a)) for r, a in
                  ((outer, angle), (outer, end), (inner, end), (inner, angle))]
        (x1, y1), (x2, y2), (x3, y3), (x4, y4) = points
        path = (f"M{x1:.2f},{y1:.2f} A{outer},{outer} 0 {large} 1 {x2:.2f},{y2:.2f} "
                f"L{x3:.2f},{y3:.2f} A{inner},{inner} 0 {large} 0 {x4:.2f},{y4:.2f} Z")
        color = PALETTE[n % len(PALETTE)]
        body.append(f'<path class="mark" d="{path}" fill="{color}"><title>{escape(name)}: {_fmt(value)} '
                    f'{escape(unit)} ({share:.1%})</title></path>')
        ly = 30 + n * 26
        body.append(f'<rect x="{size + 20}" y="{ly - 12}" width="14" height="14" fill="{color}"/>')
        body.append(f'<text x="{size + 42}" y="{ly}" class="label">{escape(name)} — {share:.1%} '
                    f'({_fmt(value)} {escape(unit)})</text>')
        angle = end
    body.append(f'<text x="{cx}" y="{cy + 6}" text-anchor="middle" class="total">{_fmt(total)} {escape(unit)}</text>')
    return _svg("donut", label, width, height, body)
