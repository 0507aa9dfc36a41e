"""Check, and with --fix normalise, the skills taxonomy in data/skills.csv.

    .venv/bin/python -m talentloop.intake.parsing.taxonomy [--fix]

The file is reviewable data: one skill a row (name, category, aliases joined by "|"),
sorted by name without regard to case. A check fails when two rows share a name, an alias
points at two skills, a row has no category, or the rows are out of order; --fix sorts rows
and aliases and drops aliases equal to their own name, then checks again.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from talentloop.intake.parsing.skills import DATA, key_of

SKILLS_CSV = DATA / "skills.csv"
FIELDS = ("name", "category", "aliases")


def read_rows(path: Path = SKILLS_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def problems(rows: list[dict[str, str]]) -> list[str]:
    """What is wrong with the rows, in words; empty when the taxonomy is sound."""
    found: list[str] = []
    owners: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        name = row["name"].strip()
        if not name or not row["category"].strip():
            found.append(f"line {number}: a skill needs a name and a category")
        for alias in [name, *filter(None, row["aliases"].split("|"))]:
            key = key_of(alias)
            owner = owners.setdefault(key, name)
            if owner != name:
                found.append(f"line {number}: {alias!r} already names {owner!r}")
    names = [row["name"] for row in rows]
    if names != sorted(names, key=_order):
        found.append("rows are not sorted by name")
    return found


def _order(name: str) -> tuple[str, str]:
    return (name.lower(), name)


def normalised(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in sorted(rows, key=lambda row: _order(row["name"])):
        own = key_of(row["name"])
        aliases = sorted(
            {a.strip() for a in row["aliases"].split("|") if a.strip() and key_of(a) != own},
            key=str.lower,
        )
        writer.writerow([row["name"].strip(), row["category"].strip(), "|".join(aliases)])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="rewrite the file sorted and tidy")
    args = parser.parse_args(argv)
    rows = read_rows()
    if args.fix:
        SKILLS_CSV.write_text(normalised(rows), encoding="utf-8")
        rows = read_rows()
    found = problems(rows)
    for problem in found:
        print(problem, file=sys.stderr)
    aliases = sum(len(row["aliases"].split("|")) for row in rows if row["aliases"])
    print(f"{len(rows)} skills, {aliases} aliases")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
