"""Charts rendered as SVG on the server: readable without JavaScript and by screen readers.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>`` (the desc
states the figures in words); pages also print the data table beside the chart. Colours are
presentation attributes (no inline ``style``, which the CSP forbids) chosen for a 3:1 contrast
against white, and series are told apart by pattern of position and by the legend text too.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f5fa8", "#b45309", "#2f7d32", "#7b3fa0", "#a3213c")
TARGET_COLOUR = "#a3213c"
INK = "#1d2a33"
GRID = "#c9d1d8"

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


def nice_ceiling(value: float) -> float:
    """The smallest 'round' number (1, 2, 2.5, 5 × 10^k) at or above ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value - 1e-9:
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover


def fmt(value: float) -> str:
    """French number formatting: thin grouping, comma decimals, at most one decimal."""
    if abs(value - round(value)) < 0.05:
        text = f"{round(value):,}".replace(",", "\u202f")
    else:
        text = f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return text


def _frame(width: int, height: int, title: str, desc: str, body: SafeString) -> SafeString:
    n = next(_ids)
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        'width="100%" role="img" aria-labelledby="chart-t{n} chart-d{n}" focusable="false">'
        '<title id="chart-t{n}">{title}</title><desc id="chart-d{n}">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        n=n,
        title=title,
        desc=desc,
        body=body,
    )


def bar_chart(
    *,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    target: float | None = None,
    target_label: str = "",
    width: int = 640,
    height: int = 300,
) -> SafeString:
    """Grouped vertical bars, one group per category, with an optional horizontal target."""
    left, right, top, bottom = 64, 16, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    top_value = nice_ceiling(max([*values, target or 0, 0]) * 1.05 or 1)
    parts: list[SafeString] = []
    for i in range(5):
        y_value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                left,
                left + plot_w,
                GRID,
                left - 6,
                round(y + 4, 1),
                INK,
                fmt(y_value),
                y=round(y, 1),
            )
        )
    count = max(len(categories), 1)
    group_w = plot_w / count
    bar_w = group_w * 0.8 / max(len(series), 1)
    for c, category in enumerate(categories):
        x0 = left + c * group_w + group_w * 0.1
        for s_index, s in enumerate(series):
            value = s.values[c] if c < len(s.values) else None
            if value is None:
                continue
            bar_h = plot_h * max(value, 0) / top_value
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{} {} : {} {}</title></rect>",
                    round(x0 + s_index * bar_w, 1),
                    round(top + plot_h - bar_h, 1),
                    round(max(bar_w - 2, 1), 1),
                    round(bar_h, 1),
                    PALETTE[s_index % len(PALETTE)],
                    s.label,
                    category,
                    fmt(value),
                    unit,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
                round(left + c * group_w + group_w / 2, 1),
                top + plot_h + 16,
                INK,
                category,
            )
        )
    if target is not None:
        y = round(top + plot_h - plot_h * target / top_value, 1)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 4"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                left,
                left + plot_w,
                TARGET_COLOUR,
                left + plot_w,
                round(y - 5, 1),
                TARGET_COLOUR,
                target_label or fmt(target),
                y=y,
            )
        )
    parts.append(_legend(series, x=left, y=height - 22, target_label=target_label, target=target))
    parts.append(
        format_html(
            '<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" stroke="{c}"/>'
            '<line x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="{c}"/>',
            l=left,
            r=left + plot_w,
            t=top,
            b=top + plot_h,
            c=INK,
        )
    )
    return _frame(width, height, title, desc, mark_safe("".join(parts)))  # noqa: S308


def _legend(series, *, x: int, y: int, target_label: str, target) -> SafeString:
    items = []
    offset = x
    for index, s in enumerate(series):
        items.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
                '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                offset,
                y,
                PALETTE[index % len(PALETTE)],
                offset + 16,
                y + 11,
                INK,
                s.label,
            )
        )
        offset += 28 + 7 * len(s.label)
    if target is not None and target_label:
        items.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 4"/><text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                offset,
                offset + 14,
                y + 6,
                y + 6,
                TARGET_COLOUR,
                offset + 18,
                y + 11,
                INK,
                target_label,
            )
        )
    return format_html_join("", "{}", ((item,) for item in items))


def line_chart(
    *,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    target: float | None = None,
    target_label: str = "",
    width: int = 640,
    height: int = 280,
) -> SafeString:
    """Lines over ordered labels (dates), markers on each point, optional target line."""
    left, right, top, bottom = 64, 16, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    top_value = nice_ceiling(max([*values, target or 0, 0]) * 1.05 or 1)
    count = len(labels)
    parts: list[SafeString] = []

    def x_at(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h - plot_h * max(v, 0) / top_value

    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                left,
                left + plot_w,
                GRID,
                left - 6,
                round(y + 4, 1),
                INK,
                fmt(top_value * i / 4),
                y=round(y, 1),
            )
        )
    step = max(1, math.ceil(count / 8))
    for i, label in enumerate(labels):
        if i % step == 0 or i == count - 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" font-size="11" fill="{}">{}</text>',
                    round(x_at(i), 1),
                    top + plot_h + 16,
                    "end"
                    if i == count - 1 and count > 1
                    else ("start" if i == 0 and count > 1 else "middle"),
                    INK,
                    label,
                )
            )
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = [(x_at(i), y_at(v), v) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="2.5" points="{}"/>',
                    colour,
                    " ".join(f"{round(x, 1)},{round(y, 1)}" for x, y, _v in points),
                )
            )
        for (x, y, v), label in zip(
            points, [labels[i] for i, v in enumerate(s.values) if v is not None], strict=True
        ):
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{} {} : {} {}</title></circle>',
                    round(x, 1),
                    round(y, 1),
                    colour,
                    s.label,
                    label,
                    fmt(v),
                    unit,
                )
            )
    if target is not None:
        y = round(y_at(target), 1)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 4"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                left,
                left + plot_w,
                TARGET_COLOUR,
                left + plot_w,
                round(y - 5, 1),
                TARGET_COLOUR,
                target_label or fmt(target),
                y=y,
            )
        )
    parts.append(_legend(series, x=left, y=height - 22, target_label=target_label, target=target))
    return _frame(width, height, title, desc, mark_safe("".join(parts)))  # noqa: S308
