"""{% board_cards column %}: a board column's cards, rendered by the fast fragment engine."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString

from talentloop.ui.fragments import render_fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def board_cards(context: template.Context, column: Any) -> SafeString:
    """The <li> cards of one column; needs card_base, can_write, can_reject and job (or None)."""
    return render_fragment(
        "ui/jobs/_cards.jinja",
        {
            "column": column,
            "card_base": context["card_base"],
            "people_base": reverse("people"),
            "is_job": bool(context.get("job")),
            "can_write": bool(context.get("can_write")),
            "can_reject": bool(context.get("can_reject")),
            "csrf_token": str(context.get("csrf_token", "")),
        },
    )
