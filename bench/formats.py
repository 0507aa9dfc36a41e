"""Benchmark: vCard reading and writing against bare vobject, on seeded synthetic cards.

    .venv/bin/python bench/formats.py                 # 20,000 cards
    .venv/bin/python bench/formats.py --cards 5000 --seed 7

1. Read: one .vcf of N cards (a mix of 3.0 and 2.1 quoted-printable cards, as address
   books export them) through `intake.formats.vcard.read` (normalise lines, parse each card
   with vobject, map to drafts, check every email) against the baseline
   `vobject.readComponents` over the same text (parse only, no mapping, no checks).
2. Write: N people through `vcard.card_lines` (vCard 4.0, folded, escaped) against the
   baseline of building and serialising each card with vobject (3.0).
No database: both sides run in this process, one after the other.
"""

from __future__ import annotations

import argparse
import os
import platform
import quopri
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")

FIRST = ["Ada", "Grace", "Jürgen", "Zoë", "Kwame", "Mei", "Olu", "Priya", "Tomás", "Ingrid"]
LAST = ["Lovelace", "Hopper", "Müller", "O'Neil", "Mensah", "Chen", "Adeyemi", "Raman", "Ruiz"]
CITIES = ["Berlin", "Köln", "Lagos", "Osaka", "São Paulo", "London", "Austin"]


def _card(rng: random.Random, number: int) -> str:
    first, last, city = rng.choice(FIRST), rng.choice(LAST), rng.choice(CITIES)
    email = f"{first.lower()}.{number}@example.org".encode("ascii", "ignore").decode()
    if number % 3 == 0:  # an Outlook-style 2.1 card with quoted-printable values
        note = quopri.encodestring(f"Met at a meetup in {city}.\r\nFollow up.".encode()).decode()
        name = quopri.encodestring(f"{last};{first}".encode()).decode().replace("=\n", "")
        return (
            "BEGIN:VCARD\r\nVERSION:2.1\r\n"
            f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{name}\r\n"
            f"EMAIL;PREF;INTERNET:{email}\r\nTEL;CELL:+49 30 {number:07d}\r\n"
            f"NOTE;ENCODING=QUOTED-PRINTABLE:{note.replace(chr(10), '')}\r\nEND:VCARD\r\n"
        )
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{last};{first};;;\r\nFN:{first} {last}\r\n"
        f"ORG:Example {number % 50}\r\nTITLE:Engineer\r\nEMAIL;TYPE=work:{email}\r\n"
        f"TEL;TYPE=cell:+49 30 {number:07d}\r\nADR;TYPE=home:;;Street 1;{city};;12345;DE\r\n"
        f"CATEGORIES:python,remote\r\nEND:VCARD\r\n"
    )


def _timed(label: str, work) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    print(f"  {label:<44} {elapsed:8.2f} s")
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    import django

    django.setup()
    import vobject

    from talentloop.intake.formats import vcard
    from talentloop.intake.formats.base import ExportPerson
    from talentloop.people.actions import ContactInput

    rng = random.Random(args.seed)
    text = "".join(_card(rng, number) for number in range(args.cards))
    data = text.encode("utf-8")
    print(
        f"{args.cards} cards, {len(data) / 1e6:.1f} MB; {platform.python_version()}, "
        f"{os.cpu_count()} CPUs visible (shared)"
    )

    print("read")
    ours_s, drafts = _timed("talentloop vcard.read (parse+map+checks)", lambda: vcard.read(data))
    base_s, _ = _timed(
        "baseline vobject.readComponents (parse)",
        lambda: list(vobject.readComponents(text, allowQP=True, ignoreUnreadable=True)),
    )
    refused = sum(1 for draft in drafts if draft.problems)  # type: ignore[attr-defined]
    print(
        f"  drafts {len(drafts)}, refused {refused}; ratio ours/baseline "  # type: ignore[arg-type]
        f"{ours_s / base_s:.2f}x; {args.cards / ours_s:,.0f} cards/s"
    )

    people = [
        ExportPerson(
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            full_name="x y",
            company="Example",
            title="Engineer",
            city=rng.choice(CITIES),
            country="DE",
            contacts=(
                ContactInput(kind="email", value=f"p{n}@example.org", is_primary=True),
                ContactInput(kind="phone", value=f"+4930{n:07d}", is_primary=True),
            ),
            tags=("python", "remote"),
        )
        for n in range(args.cards)
    ]

    def baseline_write() -> str:
        out = []
        for person in people:
            card = vobject.vCard()
            card.add("n").value = vobject.vcard.Name(
                family=person.last_name, given=person.first_name
            )
            card.add("fn").value = person.full_name
            card.add("org").value = [person.company]
            card.add("title").value = person.title
            for contact in person.contacts:
                card.add("email" if contact.kind == "email" else "tel").value = contact.value
            card.add("categories").value = list(person.tags)
            out.append(card.serialize())
        return "".join(out)

    print("write")
    ours_w, _ = _timed(
        "talentloop vcard.card_lines (4.0)",
        lambda: "".join(line for person in people for line in vcard.card_lines(person)),
    )
    base_w, _ = _timed("baseline vobject serialize (3.0)", baseline_write)
    print(f"  ratio ours/baseline {ours_w / base_w:.2f}x; {args.cards / ours_w:,.0f} cards/s")


if __name__ == "__main__":
    main()
