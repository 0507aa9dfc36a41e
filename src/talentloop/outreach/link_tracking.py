"""Pure open and click tracking rules: which links are tracked, the tracked HTML part, the
open pixel, and how often an open or a click is worth recording.

No database, settings or clock: the tracking URLs come in as a function and a string, `now`
as a value. The rewrite runs nh3 (an HTML5 parser) over the already sanitised HTML with an
attribute filter, so odd markup cannot confuse it and the sanitising policy still holds.
"""

from __future__ import annotations

import base64
import html as html_lib
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from talentloop.outreach.rendering import sanitise_html

# GIF89a, one transparent pixel (43 bytes).
TRANSPARENT_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# Why a window: a mail client fetches the image each time the message is shown and the
# endpoints are public; one row per message (or link) per hour keeps history readable and
# bounded whoever calls them.
RECORD_WINDOW = timedelta(hours=1)
# Why a cap: the address travels inside the signed token, and very long URLs break in mail
# clients and proxies; such a link is left as it is.
MAX_TRACKED_URL = 2000
_TRACKED_SCHEMES = ("http", "https")
_DROPPED = str.maketrans("", "", "\t\n\r")
_TRIMMED = "".join(chr(code) for code in range(0x21))  # C0 controls and space


def link_target(href: str) -> str:
    """The address a browser follows for an href: tabs and newlines dropped, ends trimmed."""
    return href.translate(_DROPPED).strip(_TRIMMED)


def is_trackable(href: str, *, untracked_prefixes: Collection[str] = ()) -> bool:
    """Only absolute http(s) links are tracked: never mailto:, relative or excluded links."""
    target = link_target(href)
    if len(target) > MAX_TRACKED_URL or target.startswith(tuple(untracked_prefixes)):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False  # e.g. a broken IPv6 host: no redirect could follow it either
    return parts.scheme.lower() in _TRACKED_SCHEMES and bool(parts.netloc)


def pixel_markup(pixel_url: str) -> str:
    return f'<img src="{html_lib.escape(pixel_url)}" alt="" width="1" height="1">'


def add_tracking(
    html: str,
    *,
    click_url: Callable[[str], str] | None,
    pixel_url: str | None,
    untracked_prefixes: Collection[str] = (),
) -> str:
    """The HTML part with each trackable `<a href>` replaced by `click_url(address)` and, with
    a `pixel_url`, a 1x1 open image appended. Takes and returns sanitised HTML."""
    tracked = html
    if click_url is not None:
        tracked = _rewrite_links(html, click_url, tuple(untracked_prefixes))
    if pixel_url is not None:
        tracked += pixel_markup(pixel_url)
    return tracked


def _rewrite_links(
    html: str, click_url: Callable[[str], str], untracked_prefixes: tuple[str, ...]
) -> str:
    # Why collect errors: nh3 drops an attribute whose filter raises and reports it nowhere
    # we would see; a failure to build a click URL must fail the send, not lose the link.
    failures: list[Exception] = []

    def rewrite(element: str, attribute: str, value: str) -> str | None:
        if element != "a" or attribute != "href":
            return value
        try:
            if is_trackable(value, untracked_prefixes=untracked_prefixes):
                return click_url(link_target(value))
        except Exception as error:
            failures.append(error)
        return value

    tracked = sanitise_html(html, attribute_filter=rewrite)
    if failures:
        raise failures[0]
    return tracked


def worth_recording(*, last_recorded_at: datetime | None, now: datetime) -> bool:
    """An open or click is recorded unless the same one was recorded within the window."""
    return last_recorded_at is None or now - last_recorded_at >= RECORD_WINDOW
