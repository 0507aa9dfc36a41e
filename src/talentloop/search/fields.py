"""The fields the query language knows: what each means, which operators and values it takes.

Pure data, no database. `talentloop.search.domain` re-exports `FIELDS`; the filter builder and
docs/search.md read it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from talentloop.people.domain import Lifecycle, SalaryPeriod, Seniority, SkillLevel
from talentloop.recruiting.domain import Outcome


class Op(enum.StrEnum):
    MATCH = ":"
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


class ValueKind(enum.StrEnum):
    """How a clause's value is read (bare words are typed; quoted values stay text)."""

    TEXT = "text"  # any word or "quoted text"
    ENUM = "enum"  # one of FieldSpec.choices
    NUMBER = "number"  # 5, 90000, 2.5
    DATE = "date"  # 2026-01-31, or relative: 90d, 2w, 18m, 1y
    BOOL = "bool"  # yes/no/true/false
    DATE_OR_BOOL = "date_or_bool"  # an activity fact: yes/no or a date
    BOOL_OR_TEXT = "bool_or_text"  # yes/no, or a name (rejected:yes, rejected:"Skills mismatch")


class Group(enum.StrEnum):
    PERSON = "person"
    SKILL = "skill"
    TAG = "tag"
    CUSTOM = "custom"
    CANDIDACY = "candidacy"
    ACTIVITY = "activity"


EQUALITY_OPS = frozenset({Op.MATCH, Op.EQ, Op.NE})
ORDER_OPS = frozenset(Op)
MATCH_ONLY = frozenset({Op.MATCH})
SINCE_OPS = frozenset({Op.MATCH, Op.GT, Op.GE})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    value: ValueKind
    ops: frozenset[Op]
    help: str
    example: str
    group: Group = Group.PERSON
    choices: tuple[str, ...] = ()
    ordered: bool = False  # choices (or stage positions) compare with < <= > >=
    salary: bool = False  # hidden from roles that cannot see salary


def _spec(
    name: str,
    value: ValueKind,
    help: str,
    example: str,
    **extra: object,
) -> FieldSpec:
    ops = extra.pop("ops", None)
    if ops is None:
        ordered = value in {ValueKind.NUMBER, ValueKind.DATE} or bool(extra.get("ordered"))
        ops = ORDER_OPS if ordered else EQUALITY_OPS
    return FieldSpec(name, value, ops, help, example, **extra)  # type: ignore[arg-type]


def _values(enum_class: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum_class)


T, E, N, D, B = ValueKind.TEXT, ValueKind.ENUM, ValueKind.NUMBER, ValueKind.DATE, ValueKind.BOOL
HAS_CHOICES = ("email", "phone", "link", "owner", "salary", "resume", "skills", "tags")
_SPECS = (
    # --- the person ---------------------------------------------------------------------
    _spec("name", T, "first or last name contains (every word)", 'name:"ann lee"'),
    _spec("first_name", T, "first name contains", "first_name:ann"),
    _spec("last_name", T, "last name contains", "last_name:lee"),
    _spec("headline", T, "headline contains", 'headline:"data engineer"'),
    _spec("title", T, "current title contains", "title:engineer"),
    _spec("company", T, "current company name contains", "company:acme"),
    _spec("email", T, "primary email contains (= exact)", "email:@example.com"),
    _spec("phone", T, "primary phone (E.164) contains", "phone:+4930"),
    _spec("city", T, "city equals (any case)", "city:Berlin"),
    _spec("region", T, "region equals (any case)", "region:Bavaria"),
    _spec("country", T, "ISO country code", "country:DE"),
    _spec("timezone", T, "time zone name", "timezone:Europe/Berlin"),
    _spec(
        "seniority",
        E,
        "seniority; compares in order intern < junior < … < executive",
        "seniority>=senior",
        choices=_values(Seniority),
        ordered=True,
    ),
    _spec("years", N, "years of experience", "years>=5"),
    _spec("salary.min", N, "expected salary, lower bound", "salary.min>=60000", salary=True),
    _spec("salary.max", N, "expected salary, upper bound", "salary.max<=90000", salary=True),
    _spec("salary.currency", T, "salary currency", "salary.currency:EUR", salary=True),
    _spec(
        "salary.period",
        E,
        "salary period",
        "salary.period:year",
        choices=_values(SalaryPeriod),
        salary=True,
    ),
    _spec("lifecycle", E, "lifecycle state", "lifecycle:prospect", choices=_values(Lifecycle)),
    _spec("owner", T, "owner's email, or me", "owner:me"),
    _spec("source", T, "source name", "source:LinkedIn"),
    _spec("created", D, "added (a date, or how long ago)", "created<30d"),
    _spec("updated", D, "last changed", "updated>=2026-01-01"),
    _spec("last_engaged", D, "last two-way contact (never = long ago)", "last_engaged<90d"),
    _spec("do_not_contact", B, "marked do-not-contact", "do_not_contact:no"),
    _spec("has", E, "has this kind of data", "has:email", choices=HAS_CHOICES, ops=MATCH_ONLY),
    _spec(
        "consent",
        ValueKind.BOOL_OR_TEXT,
        "holds live consent (yes/no, or for a purpose)",
        "consent:outreach",
    ),
    _spec("remote", B, "open to remote work (the custom field 'remote')", "remote:yes"),
    # --- skills and tags ------------------------------------------------------------------
    _spec("skills", T, "has the skill", "skills:python", group=Group.SKILL),
    _spec(
        "skill_level",
        E,
        "skill level (with skills: in the same AND group, that skill's level)",
        "skill_level>=advanced",
        group=Group.SKILL,
        choices=_values(SkillLevel),
        ordered=True,
    ),
    _spec("skill_years", N, "years with a skill", "skill_years>=3", group=Group.SKILL),
    _spec("tag", T, "has the tag", 'tag:"do not hire"', group=Group.TAG),
    # --- candidacies (job pipelines and talent pools) -----------------------------------
    _spec("job", T, "in the job (id or title)", 'job:"Backend Engineer"', group=Group.CANDIDACY),
    _spec(
        "stage",
        T,
        "job stage now (key or name); < > compare pipeline order",
        "stage:interview",
        group=Group.CANDIDACY,
        ordered=True,
    ),
    _spec(
        "reached",
        T,
        "got at least as far as this stage in a job",
        "reached:interview",
        group=Group.CANDIDACY,
        ops=MATCH_ONLY,
    ),
    _spec(
        "outcome",
        E,
        "candidacy outcome",
        "outcome:open",
        group=Group.CANDIDACY,
        choices=_values(Outcome),
    ),
    _spec("hired", B, "hired for a job", "hired:yes", group=Group.CANDIDACY),
    _spec(
        "rejected",
        ValueKind.BOOL_OR_TEXT,
        "rejected from a job (yes/no, or the reason)",
        'rejected:"Skills mismatch"',
        group=Group.CANDIDACY,
    ),
    _spec(
        "rejected_stage",
        T,
        "rejected at this stage (< > compare pipeline order)",
        "rejected_stage>=interview",
        group=Group.CANDIDACY,
        ordered=True,
    ),
    _spec("rejected_at", D, "when rejected", "rejected_at<18m", group=Group.CANDIDACY),
    _spec(
        "pool", T, "in the talent pool (id or name)", 'pool:"Backend bench"', group=Group.CANDIDACY
    ),
    _spec(
        "pool_stage",
        T,
        "talent-pool stage (key or name)",
        "pool_stage:engaged",
        group=Group.CANDIDACY,
        ordered=True,
    ),
    # --- activity ---------------------------------------------------------------------------
    _spec(
        "emailed",
        ValueKind.DATE_OR_BOOL,
        "we emailed them (yes/no, or when)",
        "emailed<30d",
        group=Group.ACTIVITY,
        ops=ORDER_OPS - {Op.NE},
    ),
    _spec(
        "replied",
        ValueKind.DATE_OR_BOOL,
        "they emailed us (yes/no, or when)",
        "replied<30d",
        group=Group.ACTIVITY,
        ops=ORDER_OPS - {Op.NE},
    ),
    _spec(
        "no_activity",
        D,
        "nothing on the timeline for this long",
        "no_activity>60d",
        group=Group.ACTIVITY,
        ops=SINCE_OPS,
    ),
)
FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _SPECS}
ALIASES = {
    "skill": "skills",
    "tags": "tag",
    "time_zone": "timezone",
    "years_experience": "years",
    "current_title": "title",
    "last_engaged_at": "last_engaged",
    "created_at": "created",
    "updated_at": "updated",
    "dnc": "do_not_contact",
}
CUSTOM_PREFIXES = ("custom.", "cf.")
CUSTOM_SPEC = FieldSpec(
    "custom.<key>",
    ValueKind.TEXT,
    ORDER_OPS,
    "a custom field, typed by its definition",
    "custom.notice_period<=30",
    group=Group.CUSTOM,
)
