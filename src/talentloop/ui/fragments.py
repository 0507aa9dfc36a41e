"""Jinja2 for the few fragments a page renders hundreds of times (pipeline board cards).

Why: Django's template engine spends about half a millisecond on each board card, and a full
board is 200 of them; Jinja2 compiles templates to Python and renders the same markup many
times faster. Autoescaping is on, exactly as in Django templates, and only values (strings,
numbers, model instances) are passed in: no request, no tags with side effects.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.utils.safestring import SafeString, mark_safe

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("talentloop.ui", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    auto_reload=False,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_fragment(name: str, context: dict[str, Any]) -> SafeString:
    """Render a Jinja2 fragment; its output is escaped already, so Django may insert it as is."""
    html = _ENVIRONMENT.get_template(name).render(context).strip()
    return mark_safe(html)  # noqa: S308  # autoescape=True escaped every value above
