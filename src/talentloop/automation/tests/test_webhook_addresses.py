"""Webhooks call public addresses only: refused when saved, refused again when sent."""

from __future__ import annotations

import ipaddress

import pytest

from talentloop.automation import addresses, webhooks
from talentloop.automation.domain import DefinitionError
from talentloop.automation.models import Run
from talentloop.automation.tests.conftest import drive, make_workflow, new_person
from talentloop.automation.tests.test_webhooks import Receiver, receiver  # noqa: F401
from talentloop.people.actions import do_tag_people


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.45.6.7", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.20", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("::ffff:10.0.0.1", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("239.255.255.250", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("255.255.255.255", "a reserved address"),
        ("4000::1", "a reserved address"),
        ("0.0.0.0", "an unspecified address"),  # noqa: S104 - the address under test
        ("::", "an unspecified address"),
        ("100.64.0.1", "not a public address"),
    ],
)
def test_internal_addresses_are_refused_by_class(address, why):
    assert addresses.refusal(ipaddress.ip_address(address)) == why


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert addresses.refusal(ipaddress.ip_address(address)) is None


def test_the_setting_allows_listed_networks_and_host_names():
    policy = addresses.Allowed.parse(["10.0.0.0/8", " fd00::/8 ", "Hooks.Internal.", ""])

    assert policy.hosts == frozenset({"hooks.internal"})
    assert policy.holds(ipaddress.ip_address("10.9.8.7"))
    assert policy.holds(ipaddress.ip_address("fd00::5"))
    assert not policy.holds(ipaddress.ip_address("192.168.0.1"))
    assert str(addresses.checked_address("127.0.0.1", 80, addresses.Allowed.parse(["127.0.0.1"])))
    with pytest.raises(addresses.AddressRefused, match="is a loopback address"):
        addresses.checked_address("127.0.0.1", 80, policy)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8080/hook", "127.0.0.1 is a loopback address"),
        ("http://localhost/hook", "localhost (127.0.0.1) is a loopback address"),
        ("http://2130706433/hook", "2130706433 (127.0.0.1) is a loopback address"),
        ("http://0x7f.1/hook", "0x7f.1 (127.0.0.1) is a loopback address"),
        ("http://[::1]/hook", "::1 is a loopback address"),
        ("https://[::ffff:7f00:1]/hook", "::ffff:7f00:1 is a loopback address"),
        ("http://10.0.0.8/hook", "10.0.0.8 is a private address"),
        ("http://[fd00::8]/hook", "fd00::8 is a private address"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"),
        ("http://[fe80::1]/hook", "fe80::1 is a link-local address"),
        ("http://224.0.0.251/hook", "224.0.0.251 is a multicast address"),
        ("http://[ff05::2]/hook", "ff05::2 is a multicast address"),
        ("http://240.1.2.3/hook", "240.1.2.3 is a reserved address"),
        ("http://0.0.0.0/hook", "0.0.0.0 is an unspecified address"),
        ("http://[::]/hook", ":: is an unspecified address"),
        ("http://no-such-host.invalid/hook", "no-such-host.invalid could not be resolved"),
    ],
)
@pytest.mark.django_db
def test_an_internal_webhook_url_is_refused_at_its_steps_url_field(personas, url, message):
    # when a definition calls the URL inside an if branch
    with pytest.raises(DefinitionError) as refused:
        make_workflow(
            personas.recruiter,
            {"kind": "tag_added", "tags": ["hook"]},
            [
                {"kind": "add_tag", "tag": "seen"},
                {"kind": "if", "condition": "has:email", "then": [
                    {"kind": "call_webhook", "url": url},
                ]},
            ],
        )  # fmt: skip

    # then the refusal names the exact step and field
    ((path, text),) = refused.value.fields.items()
    assert path == "steps[1].then[0].url"
    assert text.startswith(message)


@pytest.mark.django_db
def test_the_setting_lets_a_deployment_call_its_internal_hosts(personas, settings):
    settings.AUTOMATION_WEBHOOK_ALLOWED_HOSTS = ["10.0.0.0/8", "localhost"]

    workflow = make_workflow(
        personas.recruiter,
        {"kind": "tag_added", "tags": ["hook"]},
        [{"kind": "call_webhook", "url": "http://10.1.1.1/a"},
         {"kind": "call_webhook", "url": "http://localhost:9000/b"}],
    )  # fmt: skip

    assert workflow.current_version is not None


@pytest.mark.django_db
def test_a_url_that_became_internal_is_refused_at_send_time_and_fails_the_run(
    personas,
    now,
    settings,
    receiver,  # noqa: F811
):
    # given a workflow saved while the deployment allowed loopback
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "tag_added", "tags": ["hook"]},
        [{"kind": "call_webhook", "url": receiver.url}],
    )
    # when the setting no longer allows it and the workflow fires
    settings.AUTOMATION_WEBHOOK_ALLOWED_HOSTS = []
    person = new_person(personas.workspace)
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[person],
                  names=["hook"])  # fmt: skip
    drive()

    # then nothing was sent and the run failed at once, saying why
    run = Run.objects.get(workflow=workflow)
    assert receiver.received == []
    assert run.state == "failed"
    assert run.error.startswith("steps[0]: ")
    assert f"{receiver.url} not called: 127.0.0.1 is a loopback address" in run.error


def test_the_connection_goes_to_the_checked_address_not_a_new_lookup(receiver):  # noqa: F811
    # given a host name that resolves nowhere, pinned to the receiver's checked address
    port = receiver.server_address[1]
    connection = webhooks._PinnedHTTP("hooks.example.invalid", port, "127.0.0.1", timeout=5)

    # when the request is sent
    connection.request("POST", "/hooks", body=b"{}", headers={"Content-Length": "2"})
    status = connection.getresponse().status
    connection.close()

    # then it reached the checked address, still naming the URL's host
    assert status == 200
    ((headers, body),) = receiver.received
    assert headers["Host"] == f"hooks.example.invalid:{port}"
    assert body == b"{}"
