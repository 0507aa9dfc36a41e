"""Which addresses a workflow's webhook may call: public ones, plus what the deployment allows.

A webhook URL is typed by a recruiter, so without a check it could make the server POST to
itself, to the cloud metadata service or to anything on the internal network. Loopback,
private, link-local, multicast, reserved and unspecified addresses (and every other address
that is not globally routable) are refused, unless `AUTOMATION_WEBHOOK_ALLOWED_HOSTS` lists
the host name or a network holding the address. The check runs when a definition is
validated and again at send time on the addresses the name resolves to then; the connection
goes to the address that was checked, so a second DNS answer cannot swap it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefused(Exception):
    """The host is, or resolves to, an address webhooks may not call."""


class AddressUnresolved(Exception):
    """The host name has no address (now): a temporary failure at send time."""


@dataclass(frozen=True)
class Allowed:
    """The deployment's exceptions: host names (lower case) and networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowed:
        """`internal.example.com`, `10.1.2.3`, `10.0.0.0/8`, `fd00::/8` … (bad ones raise)."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (entry.strip() for entry in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def holds(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)


def allowed() -> Allowed:
    return Allowed.parse(getattr(settings, "AUTOMATION_WEBHOOK_ALLOWED_HOSTS", ()))


def refusal(address: IPAddress) -> str | None:
    """Why webhooks may not call this address by default, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal(address.ipv4_mapped)
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a public address"),
    )
    return next((why for failed, why in checks if failed), None)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host (a name or a literal) resolves to, in the resolver's order."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressUnresolved(f"{host} could not be resolved ({error})") from None
    found: list[IPAddress] = []
    for *_, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def checked_address(host: str, port: int, policy: Allowed | None = None) -> IPAddress:
    """The address to connect to: every address of the host must be allowed, the first is used."""
    policy = policy if policy is not None else allowed()
    addresses = resolve(host, port)
    if not addresses:
        raise AddressUnresolved(f"{host} has no address")
    if host.lower().rstrip(".") in policy.hosts:
        return addresses[0]
    for address in addresses:
        why = refusal(address)
        if why is not None and not policy.holds(address):
            shown = host if host == str(address) else f"{host} ({address})"
            raise AddressRefused(
                f"{shown} is {why}; webhooks may only call public addresses "
                "unless TALENTLOOP_AUTOMATION_WEBHOOK_ALLOWED_HOSTS lists it"
            )
    return addresses[0]
