"""Resume parser accuracy against the labelled resumes in ../shared/data/resumes/.

    .venv/bin/python bench/parse_accuracy.py            # table by field, source and layout
    .venv/bin/python bench/parse_accuracy.py --check    # exit 1 when a target is missed
    .venv/bin/python bench/parse_accuracy.py --verbose  # also list each miss

Labels: rendercv YAML (the `cv:` block each PDF, DOCX and Markdown file was rendered from),
reactive-resume's sample.expected.json (rendered by 12 templates) and the transcribed contact
labels of the resume-matcher PDFs (name, email and phone only). Every labelled file is
scored. Each field is scored as precision, recall and F1 over its values (a set of emails,
the employers of the work history, ...); the figures are micro-averaged over files. Phones
are compared in E.164; strings ignore case, punctuation and company suffixes; dates compare
at the precision of the label (month, or year when the label gives only a year).

It also checks that every layout of the same person yields the same contact fields.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
import yaml
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from talentloop.intake.parsing import ParsedResume, ResumeParseError, parse_document  # noqa: E402
from talentloop.intake.parsing.skills import key_of, taxonomy  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "resumes"
TARGETS = {
    "email": 0.98,
    "phone": 0.98,
    "name": 0.95,
    "employer": 0.90,
    "title": 0.90,
    "dates": 0.90,
    "skills": 0.80,
}
FIELDS = ("name", "email", "phone", "employer", "title", "dates", "institution", "degree", "skills")


@dataclass
class Labels:
    person: str
    values: dict[str, list[str]] = field(default_factory=dict)  # field -> gold values


@dataclass
class Case:
    source: str
    layout: str
    path: Path
    labels: Labels


@dataclass
class Tally:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Tally) -> None:
        self.true_positive += other.true_positive
        self.predicted += other.predicted
        self.gold += other.gold

    def f1(self) -> float | None:
        if not self.gold and not self.predicted:
            return None
        precision = self.true_positive / self.predicted if self.predicted else 0.0
        recall = self.true_positive / self.gold if self.gold else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --- labels -----------------------------------------------------------------------------------


def _phone(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _month(value: Any) -> str:
    text = str(value or "").strip().lower()
    if text in {"present", "current", "now"}:
        return "present"
    return text[:7]


def rendercv_labels(path: Path) -> Labels:
    cv = yaml.safe_load(path.read_text(encoding="utf-8"))["cv"]
    values: dict[str, list[str]] = {"name": [cv["name"]]}
    values["email"] = [cv["email"]] if cv.get("email") else []
    values["phone"] = [_phone(cv["phone"])] if cv.get("phone") else []
    work, education, skills = [], [], []
    for entries in (cv.get("sections") or {}).values():
        for entry in entries or []:
            if not isinstance(entry, dict):
                continue
            if "company" in entry and "position" in entry:
                work.append(entry)
            elif "institution" in entry:
                education.append(entry)
            elif "label" in entry and "details" in entry:
                skills += [s.strip() for s in str(entry["details"]).split(",") if s.strip()]
    values["employer"] = [entry["company"] for entry in work]
    values["title"] = [entry["position"] for entry in work]
    values["dates"] = [
        f"{_month(entry.get('start_date'))}..{_month(entry.get('end_date'))}" for entry in work
    ]
    values["institution"] = [entry["institution"] for entry in education]
    values["degree"] = [entry.get("degree") or "" for entry in education]
    values["skills"] = skills
    return Labels(person=cv["name"], values=values)


def reactive_labels(path: Path) -> Labels:
    sample = json.loads(path.read_text(encoding="utf-8"))
    basics, sections = sample["basics"], sample["sections"]
    work = sections["experience"]["items"]
    values: dict[str, list[str]] = {
        "name": [basics["name"]],
        "email": [basics["email"]],
        "phone": [_phone(basics["phone"])],
        "employer": [item["company"] for item in work],
        "title": [item["position"] for item in work],
        "dates": [_reactive_dates(item["date"]) for item in work],
        "institution": [item["institution"] for item in sections["education"]["items"]],
        "skills": [kw for item in sections["skills"]["items"] for kw in item["keywords"]],
    }
    return Labels(person=basics["name"], values=values)


def _reactive_dates(text: str) -> str:
    from talentloop.intake.parsing.dates import find_range

    found = find_range(text)
    if found is None or found.start is None:
        return text
    end = "present" if found.is_current else (found.end.isoformat()[:7] if found.end else "")
    return f"{found.start.isoformat()[:7]}..{end}"


def cases() -> Iterator[Case]:
    rendercv = DATA / "rendercv"
    for pdf in sorted((rendercv / "examples").glob("*.pdf")):
        layout = pdf.stem.removeprefix("John_Doe_").removesuffix("_CV")
        yield Case("rendercv-examples", layout, pdf, rendercv_labels(pdf.with_suffix(".yaml")))
    manifest = json.loads((rendercv / "generated" / "manifest.json").read_text())
    for item in manifest:
        labels = rendercv_labels(rendercv / "generated" / item["labels"])
        layout = Path(item["file"]).stem.replace("__", ":") + f":{item['format']}"
        yield Case("rendercv-generated", layout, rendercv / "generated" / item["file"], labels)
    reactive = DATA / "reactive-resume"
    labels = reactive_labels(reactive / "sample.expected.json")
    for pdf in sorted((reactive / "apps/client/public/templates/pdf").glob("*.pdf")):
        yield Case("reactive-resume", pdf.stem, pdf, labels)
    matcher = DATA / "resume-matcher"
    transcribed = json.loads((matcher / "labels_contact_transcribed.json").read_text())
    for name, label in transcribed.items():
        if name.startswith("_"):
            continue
        values = {
            "name": [label["name"]],
            "email": [label["email"]],
            "phone": [_phone(label["phone"])],
        }
        yield Case("resume-matcher", Path(name).stem, matcher / name, Labels(label["name"], values))


# --- scoring ----------------------------------------------------------------------------------

_SUFFIX = re.compile(r"\b(?:inc|llc|ltd|corp|co|gmbh)\b\.?", re.IGNORECASE)


def _text_key(value: str) -> str:
    value = _SUFFIX.sub("", value.casefold().replace("\u2019", "'"))
    return " ".join(re.sub(r"[^\w&+#]+", " ", value).split())


def _skill_key(value: str) -> str:
    key = key_of(value)
    return taxonomy().by_alias.get(key, key).casefold()


def _date_match(predicted: str, gold: str) -> bool:
    pred_start, _, pred_end = predicted.partition("..")
    gold_start, _, gold_end = gold.partition("..")
    return _same_date(pred_start, gold_start) and _same_date(pred_end, gold_end)


def _same_date(predicted: str, gold: str) -> bool:
    if gold == "present" or predicted == "present":
        return gold == predicted
    return predicted[: len(gold)] == gold and bool(gold)


def predicted_values(result: ParsedResume) -> dict[str, list[str]]:
    def month(entry: Any) -> str:
        start = entry.start.isoformat()[:7] if entry.start else ""
        end = "present" if entry.is_current else (entry.end.isoformat()[:7] if entry.end else "")
        return f"{start}..{end}"

    return {
        "name": [result.name.full] if result.name.full else [],
        "email": result.emails,
        "phone": result.phones,
        "employer": [entry.employer for entry in result.work],
        "title": [entry.title for entry in result.work if entry.title],
        "dates": [month(entry) for entry in result.work],
        "institution": [entry.institution for entry in result.education],
        "degree": [entry.degree for entry in result.education if entry.degree],
        "skills": [skill.name for skill in result.skills],
    }


def score_field(name: str, predicted: list[str], gold: list[str]) -> tuple[Tally, list[str]]:
    """Greedy one-to-one matching of predicted to gold values."""
    remaining = list(gold)
    hits = 0
    misses: list[str] = []
    for value in predicted:
        match = next((g for g in remaining if _same(name, value, g)), None)
        if match is None:
            misses.append(f"extra {value!r}")
            continue
        remaining.remove(match)
        hits += 1
    misses += [f"missing {value!r}" for value in remaining]
    return Tally(hits, len(predicted), len(gold)), misses


def _same(name: str, predicted: str, gold: str) -> bool:
    if name == "dates":
        return _date_match(predicted, gold)
    if name == "skills":
        return _skill_key(predicted) == _skill_key(gold)
    if name in {"email", "phone"}:
        return predicted.casefold() == gold.casefold()
    left, right = _text_key(predicted), _text_key(gold)
    return left == right or (len(right) > 6 and fuzz.ratio(left, right) >= 92)


# --- report -----------------------------------------------------------------------------------


def run(verbose: bool) -> tuple[dict[str, Tally], list[str]]:
    overall: dict[str, Tally] = defaultdict(Tally)
    by_source: dict[tuple[str, str], Tally] = defaultdict(Tally)
    by_format: dict[tuple[str, str], Tally] = defaultdict(Tally)
    rows: list[tuple[str, str, dict[str, Tally]]] = []
    contacts: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    problems: list[str] = []
    for case in cases():
        try:
            result = parse_document(case.path.read_bytes(), filename=case.path.name)
        except ResumeParseError as error:
            problems.append(f"{case.source}/{case.layout}: {error.message}")
            continue
        predicted = predicted_values(result)
        per_field: dict[str, Tally] = {}
        for name in FIELDS:
            if name not in case.labels.values:
                continue
            tally, misses = score_field(name, predicted[name], case.labels.values[name])
            per_field[name] = tally
            overall[name].add(tally)
            by_source[(case.source, name)].add(tally)
            by_format[(case.path.suffix.lstrip(".").lower(), name)].add(tally)
            if verbose and misses:
                print(f"  {case.source}/{case.layout} {name}: {'; '.join(misses)}")
        rows.append((case.source, case.layout, per_field))
        gold_contact = ",".join(case.labels.values["email"] + case.labels.values["phone"])
        contacts[f"{case.source}:{case.labels.person}:{gold_contact}"].add(
            (result.name.full, ",".join(sorted(result.emails)), ",".join(sorted(result.phones)))
        )
    _print_layouts(rows)
    _print_sources(by_source, "source")
    _print_sources(by_format, "format")
    _print_overall(overall)
    for person, variants in sorted(contacts.items()):
        if len(variants) > 1:
            problems.append(f"{person}: layouts disagree on contact fields: {sorted(variants)}")
    return overall, problems


def _cell(tally: Tally | None) -> str:
    value = tally.f1() if tally else None
    return "   -" if value is None else f"{value:4.2f}"


def _print_layouts(rows: list[tuple[str, str, dict[str, Tally]]]) -> None:
    print(f"{'source':20} {'layout':34} " + " ".join(f"{name[:5]:>5}" for name in FIELDS))
    for source, layout, per_field in rows:
        cells = " ".join(f"{_cell(per_field.get(name)):>5}" for name in FIELDS)
        print(f"{source:20} {layout[:34]:34} {cells}")


def _print_sources(by_source: dict[tuple[str, str], Tally], title: str) -> None:
    print(f"\nF1 by {title:49} " + " ".join(f"{name[:5]:>5}" for name in FIELDS))
    for source in sorted({source for source, _ in by_source}):
        cells = " ".join(f"{_cell(by_source.get((source, name))):>5}" for name in FIELDS)
        print(f"{source:55} {cells}")


def _print_overall(overall: dict[str, Tally]) -> None:
    print(f"\n{'field':12} {'P':>5} {'R':>5} {'F1':>5} {'target':>7}  n(gold)")
    for name in FIELDS:
        tally = overall.get(name, Tally())
        precision = tally.true_positive / tally.predicted if tally.predicted else 0.0
        recall = tally.true_positive / tally.gold if tally.gold else 0.0
        target = f"{TARGETS[name]:.2f}" if name in TARGETS else "-"
        print(
            f"{name:12} {precision:5.2f} {recall:5.2f} {_cell(tally):>5} {target:>7}  {tally.gold}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"no labelled resumes at {DATA}", file=sys.stderr)
        return 2
    overall, problems = run(args.verbose)
    missed = [name for name, target in TARGETS.items() if (overall[name].f1() or 0.0) < target]
    for problem in problems:
        print(f"problem: {problem}")
    print(f"\ntargets missed: {', '.join(missed) or 'none'}")
    return 1 if args.check and (missed or problems) else 0


if __name__ == "__main__":
    sys.exit(main())
