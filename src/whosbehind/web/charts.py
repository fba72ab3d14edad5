"""Money per fiscal year as an inline SVG bar chart, drawn on the server (no script needed):
each bar is a link to the citation of its figure, with the exact amount as its title."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

_W, _H, _PAD, _BOTTOM, _TOP = 640, 230, 8, 28, 16


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    amount: Decimal
    href: str | None


def bar_chart(bars: list[Bar], title: str) -> str:
    if not bars:
        return ""
    top = max((b.amount for b in bars), default=Decimal(0))
    scale = float(top) if top > 0 else 1.0
    width = (_W - 2 * _PAD) / len(bars)
    parts = [
        f'<svg class="chart" viewBox="0 0 {_W} {_H}" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for i, bar in enumerate(bars):
        height = max(float(bar.amount), 0.0) / scale * (_H - _BOTTOM - _TOP)
        x = _PAD + i * width
        y = _H - _BOTTOM - height
        rect = (
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{max(width - 4, 1):.1f}" '
            f'height="{height:.1f}"><title>{escape(bar.label)}: {bar.amount:,.2f}</title></rect>'
        )
        if bar.href:
            rect = f'<a href="{escape(bar.href)}">{rect}</a>'
        parts.append(rect)
        parts.append(
            f'<text x="{x + width / 2:.1f}" y="{_H - 10}" text-anchor="middle">'
            f"{escape(bar.label)}</text>"
        )
        parts.append(
            f'<text class="value" x="{x + width / 2:.1f}" y="{max(y - 4, 10):.1f}" '
            f'text-anchor="middle">{_short(bar.amount)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(amount: Decimal) -> str:
    """$1.2B, $340.5M, $12.3K: the bar's label (its title and the table have the exact sum)."""
    value = float(amount)
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"${value / size:,.1f}{unit}"
    return f"${value:,.0f}"
