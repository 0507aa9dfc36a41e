"""Template rendering: merge fields, defaults, errors with field and line, sandbox, sanitising."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from talentloop.outreach.rendering import Rendered, TemplateProblem, html_to_text, render_template

LINKS = {"unsubscribe": "https://x.test/u/t/", "preferences": "https://x.test/preferences/t/"}
ADA = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "company": "Engines",
}


@dataclass
class Source:
    subject: str
    html: str = ""
    text: str = ""


def render(
    subject: str, html: str = "", text: str = "", person: dict[str, str] | None = None
) -> Rendered:
    return render_template(Source(subject, html, text), person=person or ADA, links=LINKS)


def test_merge_fields_fill_subject_html_and_text() -> None:
    rendered = render(
        "Hi {{ person.first_name }}",
        "<p>Hello {{ person.last_name }} at {{ person.company }}</p>",
        "Hello {{ person.first_name }}\nStop: {{ links.unsubscribe }}",
    )
    assert rendered.subject == "Hi Ada"
    assert rendered.html == "<p>Hello Lovelace at Engines</p>"
    assert rendered.text == "Hello Ada\nStop: https://x.test/u/t/"


def test_default_filter_covers_blank_and_missing_values() -> None:
    rendered = render(
        "Hi {{ person.first_name | default('there') }}", text="x", person={"first_name": ""}
    )
    assert rendered.subject == "Hi there"
    assert render("{{ person.city | default('your city') }}", text="x").subject == "your city"


def test_a_misspelt_field_is_an_error_naming_field_and_line() -> None:
    with pytest.raises(TemplateProblem) as caught:
        render("Hi", html="<p>Hello</p>\n<p>\n{{ person.frist_name }}</p>")
    problem = caught.value
    assert problem.field == "html"
    assert problem.line == 3
    assert "frist_name" in problem.message
    assert problem.fields == {"html": problem.fields["html"]}
    assert "line 3" in problem.fields["html"]


def test_syntax_error_reports_its_line() -> None:
    with pytest.raises(TemplateProblem) as caught:
        render("Hi", text="one\ntwo {{ person.first_name ")
    assert caught.value.field == "text"
    assert caught.value.line == 2


def test_unknown_top_level_name_is_an_error_in_the_subject() -> None:
    with pytest.raises(TemplateProblem) as caught:
        render("Hi {{ candidate.name }}", text="x")
    assert caught.value.field == "subject"
    assert caught.value.line == 1


@pytest.mark.parametrize(
    "escape",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ person.__class__ }}",
        "{{ person.update({'a': 1}) }}",
        "{{ links.clear() }}",
        "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_sandbox_escapes_are_refused(escape: str) -> None:
    with pytest.raises(TemplateProblem) as caught:
        render("Hi", html=escape)
    assert caught.value.field == "html"


def test_html_is_sanitised_but_merge_values_are_escaped_not_executed() -> None:
    rendered = render(
        "Hi",
        html='<p onclick="steal()">Hi {{ person.first_name }}</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><img src="https://t.test/p.png">',
        person={"first_name": "<b>Ada</b>"},
    )
    assert "<script" not in rendered.html
    assert "onclick" not in rendered.html
    assert "javascript:" not in rendered.html
    assert "&lt;b&gt;Ada&lt;/b&gt;" in rendered.html


def test_text_part_is_derived_from_html_when_missing() -> None:
    rendered = render(
        "Hi", html='<p>Hello <b>Ada</b></p><p><a href="https://x.test/j">See the job</a></p>'
    )
    assert rendered.text == "Hello Ada\nSee the job (https://x.test/j)\n"


def test_subject_newlines_cannot_inject_headers() -> None:
    rendered = render(
        "Hi {{ person.first_name }}", text="x", person={"first_name": "A\r\nBcc: evil@x.test"}
    )
    assert "\n" not in rendered.subject
    assert "\r" not in rendered.subject


def test_a_template_needs_a_subject_and_a_body() -> None:
    with pytest.raises(TemplateProblem) as caught:
        render("Hi")
    assert caught.value.field == "html"
    with pytest.raises(TemplateProblem) as caught:
        render("  ", text="body")
    assert caught.value.field == "subject"


def test_html_to_text_keeps_paragraph_breaks() -> None:
    assert html_to_text("<p>a</p><p>b<br>c</p>") == "a\nb\nc\n"
