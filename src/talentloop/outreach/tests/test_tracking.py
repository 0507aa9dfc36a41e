"""Open and click tracking: off by default, signed links, the pixel and redirect, the flags."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import nh3
import pytest
import time_machine
from django.conf import settings
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from talentloop.api.testing import ApiClient
from talentloop.conftest import Personas
from talentloop.core import clock
from talentloop.core.errors import NotFound
from talentloop.core.models import Event
from talentloop.outreach import actions, delivery, link_tracking, links, mailbox_actions
from talentloop.outreach import template_actions as templates
from talentloop.outreach.models import DeliveryEvent, LocalEmail, Mailbox, Message, Template
from talentloop.people.models import Person

TARGET = "https://jobs.example.com/roles/42?utm=mail&x=1"
BASE = settings.PUBLIC_BASE_URL
CLICK_PREFIX = f"{BASE}/t/c/"
PIXEL_PREFIX = f"{BASE}/t/o/"


class _Parts(HTMLParser):
    """The hrefs of links and the attributes of images, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") is not None:
            self.hrefs.append(str(values["href"]))
        if tag == "img":
            self.images.append(values)


def _parts(html: str) -> _Parts:
    parser = _Parts()
    parser.feed(html)
    parser.close()
    return parser


def _signed_click(url: str) -> str:
    return links.click_url(links.click_token(workspace_id=1, message_id=7, url=url))


def _target_of(tracking_url: str) -> str:
    assert tracking_url.startswith(CLICK_PREFIX), tracking_url
    return links.read_click_token(tracking_url[len(CLICK_PREFIX) : -1]).url


# --- the rewriter (pure) ----------------------------------------------------------------------


def test_http_and_https_links_are_rewritten_to_signed_click_urls() -> None:
    # given sanitised HTML with two web links, one with an escaped ampersand
    html = nh3.clean(
        f'<p><a href="{TARGET.replace("&", "&amp;")}">Role</a> <a href="http://acme.example/">A</a></p>'
    )
    # when
    tracked = link_tracking.add_tracking(html, click_url=_signed_click, pixel_url=None)
    # then each link goes through a click URL that names its real address, and text stays
    hrefs = _parts(tracked).hrefs
    assert [_target_of(href) for href in hrefs] == [TARGET, "http://acme.example/"]
    assert ">Role</a>" in tracked
    assert "<img" not in tracked


def test_unsubscribe_preference_mailto_and_other_links_are_left_alone() -> None:
    unsubscribe = links.unsubscribe_url("tok")
    preferences = links.preferences_url("tok")
    html = nh3.clean(
        f'<a href="{unsubscribe}">u</a><a href="{preferences}">p</a>'
        '<a href="mailto:talent@acme.example">m</a><a href="tel:+4412345">t</a>'
        '<a href="/relative/path">r</a><a href="#top">h</a><a href="http:no-host">n</a>'
        '<a href="javascript:alert(1)">j</a>'
    )
    tracked = link_tracking.add_tracking(
        html, click_url=_signed_click, pixel_url=None, untracked_prefixes=links.untracked_prefixes()
    )
    assert _parts(tracked).hrefs == [
        unsubscribe,
        preferences,
        "mailto:talent@acme.example",
        "tel:+4412345",
        "/relative/path",
        "#top",
        "http:no-host",
    ]


def test_odd_markup_is_handled_by_a_real_parser() -> None:
    html = (
        "<p>unclosed <b>bold <a href=https://a.example/x?y=1&z=2>unquoted</a>"
        '<A HREF="HTTPS://B.EXAMPLE/Up">upper</A>'
        '<a href="  https://c.example/sp\n ace  ">spaces</a>'
        "<![foo[ <a href='https://d.example/'>marked</a> ]]>"
        '<!-- <a href="https://hidden.example/">comment</a> -->'
        '<a title="x" href="https://e.example/"<i>broken</i>'
        "<table><a href='https://f.example/'>in a table</a>"
    )
    tracked = link_tracking.add_tracking(html, click_url=_signed_click, pixel_url=None)
    targets = {_target_of(href) for href in _parts(tracked).hrefs}
    assert targets == {
        "https://a.example/x?y=1&z=2",
        "HTTPS://B.EXAMPLE/Up",
        "https://c.example/sp ace",  # newlines are dropped as a browser does
        "https://e.example/",
        "https://f.example/",
    }
    assert "hidden.example" not in tracked
    assert "d.example" not in tracked  # `<![foo[ … >` is a bogus comment in HTML5
    assert "marked" in tracked


def test_pixel_alone_appends_the_image_and_changes_nothing_else() -> None:
    html = '<p><a href="https://a.example/" rel="noopener noreferrer">a</a></p>'
    tracked = link_tracking.add_tracking(html, click_url=None, pixel_url=f"{PIXEL_PREFIX}t.gif")
    assert tracked == html + f'<img src="{PIXEL_PREFIX}t.gif" alt="" width="1" height="1">'


def test_a_click_url_that_cannot_be_built_fails_loudly_instead_of_dropping_the_link() -> None:
    def broken(url: str) -> str:
        raise RuntimeError("no signing key")

    with pytest.raises(RuntimeError, match="no signing key"):
        link_tracking.add_tracking(
            '<a href="https://a.example/">a</a>', click_url=broken, pixel_url=None
        )


def test_an_open_or_click_is_recorded_again_only_after_an_hour() -> None:
    now = clock.now()
    assert link_tracking.worth_recording(last_recorded_at=None, now=now)
    assert not link_tracking.worth_recording(last_recorded_at=now - timedelta(minutes=59), now=now)
    assert link_tracking.worth_recording(last_recorded_at=now - timedelta(hours=1), now=now)


def test_tokens_of_one_kind_never_verify_as_another() -> None:
    open_token = links.open_token(workspace_id=1, message_id=7)
    recipient = links.recipient_token(workspace_id=1, address="a@example.com", person_id=None)
    for token in (open_token, recipient):
        with pytest.raises(NotFound):
            links.read_click_token(token)
    with pytest.raises(NotFound):
        links.read_open_token(links.click_token(workspace_id=1, message_id=7, url=TARGET))
    assert links.read_open_token(open_token) == links.Tracked(workspace_id=1, message_id=7)


_URLS = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}.example/{path}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    st.text(max_size=30),
)
_HREFS = st.one_of(
    _URLS,
    st.text(max_size=40),
    st.sampled_from(
        ["mailto:a@b.example", f"{BASE}/u/tok/", "#x", "", "http://[::1", " https://x.example "]
    ),
)
_MARKUP = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</a>",
        "<a>",
        "<![foo[",
        "]]>",
        "<!--",
        "-->",
        "<script>",
        "<table>",
        "<td>",
        "&amp;",
        "&",
        "<",
        ">",
        '"',
        "'",
        "<br/>",
        "<img src=x>",
        "</",
        "<a href=",
    ]
)


def _anchor(href: str, quote: str) -> str:
    escaped = href.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#39;")
    return f"<a href={quote}{escaped}{quote}>link</a>"


_FRAGMENTS = st.one_of(
    st.text(max_size=20),
    _MARKUP,
    st.builds(_anchor, _HREFS, st.sampled_from(['"', "'"])),
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=25).map("".join))
def test_any_html_is_tracked_without_error_and_every_link_decodes_to_its_address(
    html: str,
) -> None:
    prefixes = links.untracked_prefixes()
    tracked = link_tracking.add_tracking(
        html, click_url=_signed_click, pixel_url=None, untracked_prefixes=prefixes
    )
    before = _parts(nh3.clean(html)).hrefs
    after = _parts(tracked).hrefs
    assert len(before) == len(after)
    for original, now_href in zip(before, after, strict=True):
        if link_tracking.is_trackable(original, untracked_prefixes=prefixes):
            assert _target_of(now_href) == link_tracking.link_target(original)
        else:
            assert now_href == original
        target = link_tracking.link_target(now_href)
        if urlsplit(target).scheme.lower() in ("http", "https") and urlsplit(target).netloc:
            # every web link left in the mail is ours: a tracking URL or an untracked one
            assert target.startswith(CLICK_PREFIX) or not link_tracking.is_trackable(
                original, untracked_prefixes=prefixes
            )


# --- sending (database) -----------------------------------------------------------------------


@pytest.fixture
def linked_template(personas: Personas) -> Template:
    return templates.save_template(
        actor=personas.recruiter,
        name="Role",
        subject="A role for you",
        html="<p>Hi {{ person.first_name }}</p>"
        f'<p><a href="{TARGET.replace("&", "&amp;")}">Role</a> '
        '<a href="mailto:talent@acme.example.com">Write</a> '
        '<a href="{{ links.unsubscribe }}">Unsubscribe</a> '
        '<a href="{{ links.preferences }}">Preferences</a></p>',
        text=f"Hi {{{{ person.first_name }}}}, see {TARGET}",
    )


def _track(personas: Personas, mailbox: Mailbox, **flags: bool) -> Mailbox:
    return mailbox_actions.save_mailbox(actor=personas.admin, mailbox=mailbox, **flags)


def _send(personas: Personas, mailbox: Mailbox, person: Person, template: Template) -> Message:
    message = actions.queue_message(
        actor=personas.recruiter,
        workspace=personas.workspace,
        mailbox=mailbox,
        person=person,
        template=template,
        idempotency_key=f"k{Message.objects.count()}",
    )
    delivery.deliver_due(worker_id="t")
    message.refresh_from_db()
    assert message.state == "sent"
    return message


def _delivered(message: Message) -> LocalEmail:
    return LocalEmail.objects.get(message_id=message.message_id)


def test_mailboxes_do_not_track_by_default_and_send_the_html_byte_for_byte(
    personas: Personas, local_mailbox: Mailbox, contactable: Person, linked_template: Template
) -> None:
    assert (local_mailbox.track_opens, local_mailbox.track_clicks) == (False, False)
    message = actions.queue_message(
        actor=personas.recruiter,
        workspace=personas.workspace,
        mailbox=local_mailbox,
        person=contactable,
        template=linked_template,
        idempotency_key="k",
    )
    email = delivery.build_email(local_mailbox, message)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert html == message.html
    assert email.body == message.text


def test_tracking_on_rewrites_links_and_adds_the_pixel_in_the_html_part_only(
    personas: Personas, local_mailbox: Mailbox, contactable: Person, linked_template: Template
) -> None:
    # given a mailbox that tracks opens and clicks
    mailbox = _track(personas, local_mailbox, track_opens=True, track_clicks=True)
    # when a message is sent through it
    message = _send(personas, mailbox, contactable, linked_template)
    delivered = _delivered(message)
    # then the web link is a signed click URL and a pixel closes the HTML part
    parts = _parts(delivered.html)
    assert _target_of(parts.hrefs[0]) == TARGET
    assert parts.hrefs[1] == "mailto:talent@acme.example.com"
    assert parts.hrefs[2] == message.unsubscribe_url
    assert parts.hrefs[3].startswith(f"{BASE}/preferences/")
    [pixel] = parts.images
    assert pixel["src"] is not None
    assert pixel["src"].startswith(PIXEL_PREFIX)
    assert (pixel["alt"], pixel["width"], pixel["height"]) == ("", "1", "1")
    assert links.read_open_token(pixel["src"][len(PIXEL_PREFIX) : -4]) == links.Tracked(
        workspace_id=personas.workspace.pk, message_id=message.pk
    )
    # and the plain-text part and the stored message are as rendered
    assert "/t/" not in delivered.text
    assert TARGET in delivered.text
    assert "/t/" not in Message.objects.get(pk=message.pk).html


def test_opens_only_or_clicks_only(
    personas: Personas, local_mailbox: Mailbox, contactable: Person, linked_template: Template
) -> None:
    opens = _send(
        personas, _track(personas, local_mailbox, track_opens=True), contactable, linked_template
    )
    assert _parts(_delivered(opens).html).hrefs[0] == TARGET
    assert len(_parts(_delivered(opens).html).images) == 1
    mailbox = _track(personas, local_mailbox, track_opens=False, track_clicks=True)
    clicks = _send(personas, mailbox, contactable, linked_template)
    assert _target_of(_parts(_delivered(clicks).html).hrefs[0]) == TARGET
    assert _parts(_delivered(clicks).html).images == []


# --- the public pixel and redirect ------------------------------------------------------------


@pytest.fixture
def tracked_message(
    personas: Personas, local_mailbox: Mailbox, contactable: Person, linked_template: Template
) -> Message:
    mailbox = _track(personas, local_mailbox, track_opens=True, track_clicks=True)
    return _send(personas, mailbox, contactable, linked_template)


def _pixel_path(message: Message) -> str:
    [pixel] = _parts(_delivered(message).html).images
    return urlsplit(str(pixel["src"])).path


def _click_path(message: Message) -> str:
    return urlsplit(_parts(_delivered(message).html).hrefs[0]).path


def _events(message: Message, kind: str) -> list[DeliveryEvent]:
    return list(DeliveryEvent.objects.filter(message=message, kind=kind).order_by("id"))


def test_the_pixel_answers_an_uncached_gif_and_records_one_open_an_hour(
    tracked_message: Message,
) -> None:
    start = clock.now()
    with time_machine.travel(start, tick=False):
        response = Client().get(_pixel_path(tracked_message))
        Client().get(_pixel_path(tracked_message))  # shown again: not recorded again
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content == link_tracking.TRANSPARENT_GIF
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert len(_events(tracked_message, "open")) == 1
    event = Event.objects.get(verb="message.opened")
    assert (event.subject_id, event.actor_id) == (tracked_message.pk, None)
    assert tracked_message.to_address not in str(event.data)
    with time_machine.travel(start + timedelta(hours=1, minutes=1), tick=False):
        Client().get(_pixel_path(tracked_message))
    assert len(_events(tracked_message, "open")) == 2


def test_a_click_is_recorded_with_its_address_and_redirects_there(
    tracked_message: Message,
) -> None:
    response = Client().get(_click_path(tracked_message))
    assert response.status_code == 302
    assert response["Location"] == TARGET
    [click] = _events(tracked_message, "click")
    assert click.detail == TARGET
    event = Event.objects.get(verb="message.clicked")
    assert event.subject_id == tracked_message.pk
    assert "jobs.example.com" not in str(event.data)  # the address stays off the audit trail


def test_tampered_tokens_redirect_nowhere_and_record_nothing(tracked_message: Message) -> None:
    click_token = _click_path(tracked_message).split("/")[3]
    pixel_token = _pixel_path(tracked_message).split("/")[3].removesuffix(".gif")
    evil = links.click_token(
        workspace_id=1, message_id=tracked_message.pk, url="https://evil.example/"
    )
    unsigned = evil.rsplit(":", 1)[0] + ":" + click_token.rsplit(":", 1)[1]
    for token in (
        click_token[:-2] + ("AA" if not click_token.endswith("AA") else "BB"),  # signature edited
        unsigned,  # another address under this link's signature
        pixel_token,  # a pixel token is no redirect
        links.recipient_token(workspace_id=1, address="a@example.com", person_id=None),
    ):
        response = Client().get(f"/t/c/{token}/")
        assert response.status_code == 404, token
        assert "Location" not in response
    pixel = Client().get(f"/t/o/{pixel_token[:-2]}xx.gif")
    assert pixel.status_code == 200
    assert pixel.content == link_tracking.TRANSPARENT_GIF
    assert not DeliveryEvent.objects.filter(kind__in=["open", "click"]).exists()
    assert not Event.objects.filter(verb__in=["message.opened", "message.clicked"]).exists()


def test_a_signed_link_to_something_other_than_a_web_page_is_refused(
    tracked_message: Message,
) -> None:
    for url in ("javascript:alert(1)", "ftp://files.example/", "//evil.example/"):
        token = links.click_token(
            workspace_id=tracked_message.workspace_id, message_id=tracked_message.pk, url=url
        )
        assert Client().get(f"/t/c/{token}/").status_code == 404


def test_another_workspaces_message_cannot_be_marked_opened_or_clicked(
    personas: Personas, tracked_message: Message
) -> None:
    # given tokens that name this message under the outsider's workspace
    other = personas.outsider.tenant_id
    pixel = links.open_token(workspace_id=other, message_id=tracked_message.pk)
    click = links.click_token(workspace_id=other, message_id=tracked_message.pk, url=TARGET)
    # when they are used
    Client().get(f"/t/o/{pixel}.gif")
    response = Client().get(f"/t/c/{click}/")
    # then the signed link still works but nothing is recorded on the message
    assert response.status_code == 302
    assert not DeliveryEvent.objects.filter(kind__in=["open", "click"]).exists()


def test_turning_tracking_off_stops_recording_mail_already_sent(
    personas: Personas, tracked_message: Message
) -> None:
    _track(personas, tracked_message.mailbox, track_opens=False, track_clicks=False)
    Client().get(_pixel_path(tracked_message))
    response = Client().get(_click_path(tracked_message))
    assert response.status_code == 302  # the recipient's link keeps working
    assert not DeliveryEvent.objects.filter(kind__in=["open", "click"]).exists()


# --- the mailbox API --------------------------------------------------------------------------


def test_the_mailbox_api_shows_and_changes_the_tracking_flags(
    personas: Personas, local_mailbox: Mailbox
) -> None:
    admin = ApiClient(personas.admin)
    assert admin.get(f"/mailboxes/{local_mailbox.pk}").json()["track_opens"] is False
    response = admin.patch(f"/mailboxes/{local_mailbox.pk}", {"track_opens": True})
    assert response.status_code == 200, response.content
    assert (response.json()["track_opens"], response.json()["track_clicks"]) == (True, False)
    event = Event.objects.filter(verb="mailbox.updated").latest("id")
    assert event.changed_fields == ["track_opens"]
    assert event.data == {}
    created = admin.post(
        "/mailboxes",
        {"name": "Tracked", "from_address": "t@acme.example.com", "track_clicks": True},
    )
    assert created.status_code == 201
    assert (created.json()["track_opens"], created.json()["track_clicks"]) == (False, True)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("recruiter", 403),
        ("hiring_manager", 403),
        ("analyst", 403),
        ("outsider", 404),
    ],
)
def test_only_admins_change_tracking_on_a_shared_mailbox(
    personas: Personas, local_mailbox: Mailbox, persona: str, status: int
) -> None:
    client = ApiClient(getattr(personas, persona))
    response = client.patch(f"/mailboxes/{local_mailbox.pk}", {"track_clicks": True})
    assert response.status_code == status
    local_mailbox.refresh_from_db()
    assert local_mailbox.track_clicks is (status == 200)


def test_owners_change_tracking_on_their_own_mailbox_and_analysts_on_none(
    personas: Personas,
) -> None:
    own: dict[str, Any] = {"name": "Mine", "from_address": "r@acme.example.com", "shared": False}
    mine = ApiClient(personas.recruiter).post("/mailboxes", own).json()
    assert (
        ApiClient(personas.recruiter)
        .patch(f"/mailboxes/{mine['id']}", {"track_opens": True})
        .json()["track_opens"]
        is True
    )
    analyst_box = {**own, "name": "Analyst", "from_address": "a@acme.example.com"}
    assert ApiClient(personas.analyst).post("/mailboxes", analyst_box).status_code == 403
