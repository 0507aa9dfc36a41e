from __future__ import annotations

from imap_tools import MailBoxUnencrypted

from talentloop.outreach.tests import mail_samples


def test_the_imap_server_stores_and_serves_what_is_delivered(imap_server):
    password = imap_server.add_user("replies@acme.test")

    imap_server.deliver("replies@acme.test", password, mail_samples.reply(in_reply_to="<m@x>"))

    with MailBoxUnencrypted(imap_server.host, imap_server.port).login(
        "replies@acme.test", password
    ) as mailbox:
        (message,) = list(mailbox.fetch(mark_seen=False))
    assert message.headers["in-reply-to"] == ("<m@x>",)
    assert message.from_ == "ada@example.org"
