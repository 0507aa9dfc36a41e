"""Template helpers for the search pages: query error markers and growth sparklines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from talentloop.core import clock

register = template.Library()

SPARK_WIDTH = 120
SPARK_HEIGHT = 28


@register.simple_tag
def field_of(field_map: Mapping[str, Any], name: str) -> Any:
    """The builder's picker entry for a field (the text entry when the name is unknown)."""
    return field_map.get(name) or field_map.get("_text")


@register.filter
def slice_before(text: str, position: int) -> str:
    return text[: max(0, int(position))]


@register.filter
def char_at(text: str, position: int) -> str:
    """The offending character; a space when the error is at the very end of the text."""
    position = int(position)
    return text[position] if 0 <= position < len(text) else " "


@register.filter
def slice_after(text: str, position: int) -> str:
    return text[max(0, int(position)) + 1 :]


@register.filter
def spaces(count: int) -> str:
    return " " * max(0, int(count))


@register.simple_tag
def sparkline(values: Sequence[int], label: str = "") -> SafeString:
    """An inline SVG line of counts over time (oldest first), scaled to its own min and max."""
    if len(values) < 2:
        return format_html('<span class="muted small">{}</span>', "not enough history yet")
    low, high = min(values), max(values)
    spread = (high - low) or 1
    step = SPARK_WIDTH / (len(values) - 1)
    points = [
        (round(i * step, 1), round(SPARK_HEIGHT - 2 - (v - low) / spread * (SPARK_HEIGHT - 4), 1))
        for i, v in enumerate(values)
    ]
    path = format_html_join(" ", "{},{}", points)
    last_x, last_y = points[-1]
    trend = "up" if values[-1] > values[0] else ("down" if values[-1] < values[0] else "flat")
    return format_html(
        '<svg class="sparkline sparkline-{}" width="{}" height="{}" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}"><polyline fill="none" stroke="currentColor" '
        'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round" points="{}"/>'
        '<circle cx="{}" cy="{}" r="2" fill="currentColor"/></svg>',
        trend,
        SPARK_WIDTH,
        SPARK_HEIGHT,
        SPARK_WIDTH,
        SPARK_HEIGHT,
        label or f"from {values[0]} to {values[-1]}",
        path,
        last_x,
        last_y,
    )


@register.filter
def ago(value: datetime | None) -> str:
    """'just now', '5 minutes ago', … for a past moment."""
    if value is None:
        return ""
    if clock.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value)} ago"
