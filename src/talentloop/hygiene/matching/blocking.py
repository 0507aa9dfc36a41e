"""Blocking: only records that share a key are ever compared.

Each key is a short string with a prefix naming its kind. The same keys are stored per person
in the database (`hygiene.BlockingKey`), so checking one incoming record reads only its blocks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from talentloop.hygiene.matching.normalise import soundex
from talentloop.hygiene.matching.records import Prepared

# Why a cap: a key shared by thousands ("n:S530j", a common surname) stops telling people
# apart and would make the comparison quadratic; the other keys of those people still pair
# the true duplicates.
MAX_BLOCK = 200
MIN_SHARED = 2
PHONE_TAIL = 7
STRONG_PREFIXES = frozenset("etxulb")


def blocking_keys(person: Prepared) -> frozenset[str]:
    """The blocks a record falls in: name sounds, birth date, place, contact points, ids."""
    keys: set[str] = set()
    first_sound, last_sound = soundex(person.first_canonical), soundex(person.last)
    initial = person.first[:1]
    if first_sound and last_sound:
        # Sorted, so a record with given and family name swapped lands in the same block.
        keys.add("n:" + "".join(sorted((first_sound, last_sound))))
    if person.last and initial:
        keys.add(f"f:{person.last[:20]}{initial}")
    if person.birth_date:
        keys.add(f"b:{person.birth_date}")
    if person.postcode and person.last:
        keys.add(f"p:{person.postcode}{person.last[0]}")
    if person.postcode and first_sound:
        keys.add(f"g:{person.postcode}{first_sound}")
    if person.city and last_sound:
        keys.add(f"c:{person.city[:12]}{last_sound}{initial}")
    if person.company and last_sound:
        keys.add(f"o:{person.company[:12]}{last_sound}{initial}")
    keys.update(f"e:{email}"[:120] for email in person.emails)
    keys.update(f"l:{local}"[:120] for local in person.email_locals if len(local) >= 4)
    keys.update(f"t:{phone[-PHONE_TAIL:]}" for phone in person.phones)
    keys.update(f"x:{value}"[:120] for value in person.external_ids)
    keys.update(f"u:{link}"[:120] for link in person.links)
    return frozenset(keys)


def is_strong(key: str) -> bool:
    """An email, phone, id, link or birth-date block: sharing one is reason enough to compare."""
    return key[0] in STRONG_PREFIXES


def candidate_pairs(keyed: Iterable[tuple[int, frozenset[str]]]) -> Iterator[tuple[int, int]]:
    """Pairs of record indexes worth scoring, lower index first, each once.

    A pair qualifies when it shares a strong block or at least MIN_SHARED weak ones: one
    shared name sound alone pairs too many strangers, while a true duplicate with a typo
    still shares its surname, place or employer blocks.
    """
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, keys in keyed:
        for key in keys:
            blocks[key].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for key, members in blocks.items():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        weight = MIN_SHARED if is_strong(key) else 1
        members.sort()
        for position, left in enumerate(members):
            for right in members[position + 1 :]:
                shared[(left, right)] += weight
    for pair, count in shared.items():
        if count >= MIN_SHARED:
            yield pair
