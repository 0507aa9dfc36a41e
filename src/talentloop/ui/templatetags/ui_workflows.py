"""Template helpers for the automation pages."""

from __future__ import annotations

from django import template

from talentloop.ui.workflow_binding import dom_id

register = template.Library()


@register.filter(name="wf_id")
def wf_id(value: object) -> str:
    """An element id from a step path: `steps[2].then` → `f-steps-2-then`."""
    return dom_id(str(value))
