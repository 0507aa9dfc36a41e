"""Template rendering: a sandboxed Jinja2 environment, sanitised HTML and a plain-text part.

Templates are user input, so they run in `ImmutableSandboxedEnvironment` (no attribute
escapes, no mutation of the context) with `StrictUndefined` (a misspelt merge field is an
error, never a silently blank greeting). The merge context holds plain dicts of strings, never
model instances, so a template can reach nothing but what is listed here.
"""

from __future__ import annotations

import html as html_lib
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import nh3
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, Undefined
from jinja2.environment import Template as JinjaTemplate
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from talentloop.core.errors import ValidationFailed

PARTS = ("subject", "html", "text")


class TemplateProblem(ValidationFailed):
    """A template that cannot render: names the part (field) and line of the error."""

    code = "template_error"

    def __init__(self, message: str, *, field: str, line: int | None) -> None:
        where = f"{field} line {line}" if line else field
        super().__init__(f"{where}: {message}", fields={field: _with_line(message, line)})
        self.field = field
        self.line = line


def _with_line(message: str, line: int | None) -> str:
    return f"line {line}: {message}" if line else message


class TemplateSource(Protocol):
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def _default(value: Any, default_value: Any = "", boolean: bool = True) -> Any:
    # Why our own `default`: Jinja's treats an empty string as a value; a blank first name
    # should still greet "there". Undefined, None and "" all fall back.
    if isinstance(value, Undefined) or value is None or (boolean and not value):
        return default_value
    return value


def _environment(*, autoescape: bool) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=autoescape, keep_trailing_newline=True
    )
    env.filters["default"] = _default
    env.filters["d"] = _default
    return env


_HTML_ENV = _environment(autoescape=True)
_TEXT_ENV = _environment(autoescape=False)


@dataclass(frozen=True)
class CompiledTemplate:
    subject: JinjaTemplate
    html: JinjaTemplate | None
    text: JinjaTemplate | None


def _compile_part(source: str, field: str) -> JinjaTemplate:
    env = _HTML_ENV if field == "html" else _TEXT_ENV
    try:
        code = env.compile(source, name=field, filename=field)
    except TemplateSyntaxError as error:
        raise TemplateProblem(error.message or str(error), field=field, line=error.lineno) from None
    return env.template_class.from_code(env, code, env.make_globals(None))


@lru_cache(maxsize=256)
def compile_template(subject: str, html: str, text: str) -> CompiledTemplate:
    """Parse the three parts once; raises TemplateProblem on a syntax error."""
    if not subject.strip():
        raise TemplateProblem("a subject is required", field="subject", line=None)
    if not html.strip() and not text.strip():
        raise TemplateProblem("an HTML or a plain-text body is required", field="html", line=None)
    return CompiledTemplate(
        subject=_compile_part(subject, "subject"),
        html=_compile_part(html, "html") if html.strip() else None,
        text=_compile_part(text, "text") if text.strip() else None,
    )


def _run(template: JinjaTemplate, context: Mapping[str, Any], field: str) -> str:
    try:
        return template.render(context)
    except SecurityError as error:
        raise TemplateProblem(
            f"not allowed in a template: {error}", field=field, line=_line_of(error, field)
        ) from None
    except TemplateError as error:
        raise TemplateProblem(_explain(error), field=field, line=_line_of(error, field)) from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as error:
        raise TemplateProblem(str(error), field=field, line=_line_of(error, field)) from None


def _line_of(error: BaseException, field: str) -> int | None:
    # Jinja rewrites tracebacks so the template's own frames carry its file name and line.
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)]
    names = [frame.filename for frame in traceback.extract_tb(error.__traceback__)]
    found = [line for name, line in zip(names, lines, strict=True) if name == field]
    return found[-1] if found else None


_NO_ATTRIBUTE = re.compile(r"'(?:dict object|\w+)' has no attribute '(\w+)'")


def _explain(error: TemplateError) -> str:
    message = str(error.message or error)
    match = _NO_ATTRIBUTE.search(message)
    if match:
        return f"unknown merge field '{match.group(1)}' ({message})"
    return message


AttributeFilter = Callable[[str, str, str], str | None]


def sanitise_html(html: str, *, attribute_filter: AttributeFilter | None = None) -> str:
    """The one policy for email HTML: no scripts, event handlers or `javascript:` links.

    `attribute_filter(element, attribute, value)` may rewrite a kept attribute's value (the
    value it gets is unescaped, the one it returns is escaped again).
    """
    return nh3.clean(html, attribute_filter=attribute_filter)


def render_compiled(compiled: CompiledTemplate, context: Mapping[str, Any]) -> Rendered:
    """Render the parts with a ready context; HTML is sanitised, text derived when absent."""
    subject = " ".join(_run(compiled.subject, context, "subject").split())
    html = sanitise_html(_run(compiled.html, context, "html")) if compiled.html else ""
    text = _run(compiled.text, context, "text") if compiled.text else html_to_text(html)
    return Rendered(subject=subject[:998], html=html, text=text)


def render_parts(source: TemplateSource, context: Mapping[str, Any]) -> Rendered:
    compiled = compile_template(source.subject, source.html, source.text)
    return render_compiled(compiled, context)


_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|div|h[1-6]|li|tr|table|ul|ol|blockquote)>")


def html_to_text(html: str) -> str:
    """A readable plain-text part from sanitised HTML (links keep their address)."""
    with_links = re.sub(
        r'(?is)<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>',
        lambda match: f"{match.group(2)} ({match.group(1)})",
        html,
    )
    with_breaks = _BLOCK_END.sub("\n", with_links)
    stripped = nh3.clean(with_breaks, tags=set())
    lines = [" ".join(line.split()) for line in html_lib.unescape(stripped).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def render_template(
    template: TemplateSource,
    *,
    person: Mapping[str, Any] | Any,
    job: Mapping[str, Any] | Any | None = None,
    sender: Mapping[str, Any] | Any | None = None,
    links: Mapping[str, str],
) -> Rendered:
    """Render a template for one person; raises TemplateProblem with field and line."""
    from talentloop.outreach import merge

    context = merge.build_context(person=person, job=job, sender=sender, links=links)
    return render_parts(template, context)
