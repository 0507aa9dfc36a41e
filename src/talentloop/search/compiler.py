"""Turn a query tree into a Django `Q` over Person. ORM only: user text is always a parameter.

Facts about related rows (skills, tags, candidacies, activity) compile to EXISTS subqueries,
so a count never multiplies rows and never needs DISTINCT. Clauses about a candidacy (or a
skill) that sit side by side in one AND group describe the same candidacy (or skill):
`rejected_stage>=interview rejected_at<18m` is one rejection, at interview or later, in the
last 18 months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

from talentloop.people.domain import Seniority, normalize_skill
from talentloop.people.models import Attachment, ContactPoint, PersonSkill, PersonTag, Tag
from talentloop.search import compiler_custom, compiler_relations, fulltext
from talentloop.search.domain import (
    And,
    Clause,
    MatchAll,
    Node,
    Not,
    Op,
    Or,
    QueryError,
    RelativeDate,
    Text,
    Value,
    field_spec,
)
from talentloop.search.fields import Group
from talentloop.search.values import date_q, having, number_q, probing

__all__ = ["compile_node", "people_query", "text_focus"]


def compile_node(
    node: Node, *, workspace_id: int, now: dt.datetime, viewer_id: int | None = None
) -> Q:
    """The condition on Person for a parsed query (`viewer_id` resolves `owner:me`)."""
    return _Compiler(workspace_id, now, viewer_id).node(node)


def people_query(workspace_id: int, condition: Q) -> Q:
    """The condition scoped to one workspace, ready for `Person.objects.filter`."""
    return Q(workspace_id=workspace_id) & condition


class _Compiler:
    def __init__(self, workspace_id: int, now: dt.datetime, viewer_id: int | None) -> None:
        self.workspace_id = workspace_id
        self.now = now
        self.viewer_id = viewer_id
        self.custom = compiler_custom.CustomFields(workspace_id, now)

    def node(self, node: Node) -> Q:
        if isinstance(node, MatchAll):
            return Q()
        if isinstance(node, Text):
            return fulltext.match_q(self.workspace_id, node.text, node.phrase)
        if isinstance(node, Not):
            return ~self.node(node.item)
        if isinstance(node, Or):
            return _any(self.node(item) for item in node.items)
        if isinstance(node, And):
            return self.all_of(node.items)
        return self.clause(node)

    def all_of(self, items: Iterable[Node]) -> Q:
        """AND, with the side-by-side candidacy and skill clauses joined to one row each."""
        items = list(items)
        with probing(any(_is_indexed(item) for item in items)):
            return self._all_of(items)

    def _all_of(self, items: list[Node]) -> Q:
        joined: dict[Group, list[Clause]] = {Group.CANDIDACY: [], Group.SKILL: []}
        narrowing = _narrowing(items)
        condition = Q()
        for item in items:
            group = _joinable_group(item)
            if group is not None and isinstance(item, Clause):
                joined[group].append(item)
            elif isinstance(item, Text) and narrowing:
                # The filters beside the text are still applied below, on Person itself;
                # passed along, they also narrow the text match where the index can.
                condition &= fulltext.match_q(self.workspace_id, item.text, item.phrase, narrowing)
            else:
                condition &= self.node(item)
        if joined[Group.CANDIDACY]:
            condition &= compiler_relations.candidacy_exists(
                joined[Group.CANDIDACY], self.now, self.workspace_id
            )
        if joined[Group.SKILL]:
            condition &= _skill_exists(joined[Group.SKILL])
        return condition

    def clause(self, clause: Clause) -> Q:
        if _is_negative(clause):
            return ~self.clause(_positive(clause))
        group = field_spec(clause.field).group
        if group is Group.CANDIDACY:
            return compiler_relations.candidacy_exists([clause], self.now, self.workspace_id)
        if group is Group.SKILL:
            return _skill_exists([clause])
        if group is Group.CUSTOM:
            return self.custom.clause(clause)
        if group is Group.ACTIVITY:
            return compiler_relations.activity_q(clause, self.now, self.workspace_id)
        if clause.field == "tag":
            tags = Tag.objects.filter(workspace_id=self.workspace_id, name__iexact=clause.value)
            return having(PersonTag.objects.filter(tag__in=tags))
        return self.person_field(clause)

    def person_field(self, clause: Clause) -> Q:
        handler = _PERSON_HANDLERS.get(clause.field)
        if handler is not None:
            return handler(self, clause)
        path, case = _PLAIN_FIELDS[clause.field]
        return _text_q(path, clause.op, str(clause.value), case)

    def owner(self, clause: Clause) -> Q:
        value = str(clause.value).strip()
        if value.lower() != "me":
            return Q(owner__email__iexact=value)
        if self.viewer_id is None:
            raise QueryError(
                "owner:me needs a signed-in viewer",
                position=clause.position,
                hint="use the owner's email address instead",
            )
        return Q(owner_id=self.viewer_id)

    def dated(self, clause: Clause) -> Q:
        path = {"created": "created_at", "updated": "updated_at"}.get(clause.field)
        if path is not None:
            return date_q(path, clause.op, _date_value(clause), self.now)
        # Why nulls count as long ago: "not engaged for 60 days" includes the never engaged.
        condition = date_q("last_engaged_at", clause.op, _date_value(clause), self.now)
        if _asks_for_older(clause.op, _date_value(clause)):
            condition |= Q(last_engaged_at__isnull=True)
        return condition

    def consent(self, clause: Clause) -> Q:
        return compiler_relations.consent_q(clause, self.now, self.workspace_id)

    def remote(self, clause: Clause) -> Q:
        # Why a custom field: a person carries no remote flag of their own (jobs do); a
        # workspace records "open to remote" as the boolean custom field `remote`.
        return compiler_custom.two_valued(Q(custom_fields__remote=True))


def text_focus(tree: Node) -> fulltext.TextFocus:
    """The text terms every match of a query holds, and the filters beside them."""
    if isinstance(tree, Text):
        return fulltext.TextFocus(terms=((tree.text, tree.phrase),))
    if not isinstance(tree, And):
        return fulltext.TextFocus()
    items = list(tree.items)
    terms = tuple((item.text, item.phrase) for item in items if isinstance(item, Text))
    return fulltext.TextFocus(terms=terms, narrowing=tuple(_narrowing(items)))


def _is_indexed(item: Node) -> bool:
    """An equality on an indexed Person column (see people.models Person.Meta.indexes)."""
    return isinstance(item, Clause) and item.op in {Op.MATCH, Op.EQ} and item.field in _INDEXED


def _narrowing(items: list[Node]) -> list[fulltext.Narrowing]:
    """The country and seniority filters of an AND group that also holds a full-text term."""
    if not any(isinstance(item, Text) for item in items):
        return []
    found: list[fulltext.Narrowing] = []
    for item in items:
        if not isinstance(item, Clause) or _is_negative(item):
            continue
        if item.field == "country" and item.op in {Op.MATCH, Op.EQ}:
            found.append(fulltext.Narrowing("country", "=", str(item.value).strip().upper()))
        elif item.field == "seniority" and item.op in _SQL_OPERATORS:
            rank = Seniority(str(item.value)).rank
            found.append(fulltext.Narrowing("seniority_rank", _SQL_OPERATORS[item.op], rank))
    return found


_SQL_OPERATORS = {Op.MATCH: "=", Op.EQ: "=", Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}


def _joinable_group(item: Node) -> Group | None:
    if not isinstance(item, Clause) or _is_negative(item):
        return None
    group = field_spec(item.field).group
    return group if group in {Group.CANDIDACY, Group.SKILL} else None


def _is_negative(clause: Clause) -> bool:
    """`x!=v` is `NOT x=v`; `hired:no` is `NOT hired:yes` (for facts about related rows)."""
    if clause.op is Op.NE:
        return True
    if clause.value is not False:
        return False
    return field_spec(clause.field).group is not Group.PERSON or clause.field in _FACT_FIELDS


def _positive(clause: Clause) -> Clause:
    op = Op.EQ if clause.op is Op.NE else clause.op
    value: Value = True if clause.value is False else clause.value
    return Clause(clause.field, op, value, position=clause.position)


def _any(conditions: Iterable[Q]) -> Q:
    result: Q | None = None
    for condition in conditions:
        result = condition if result is None else result | condition
    return result if result is not None else Q()


def _date_value(clause: Clause) -> dt.date | RelativeDate:
    value = clause.value
    assert isinstance(value, dt.date | RelativeDate)  # the parser typed it
    return value


def _asks_for_older(op: Op, value: dt.date | RelativeDate) -> bool:
    if isinstance(value, RelativeDate):
        return op in {Op.GT, Op.GE}
    return op in {Op.LT, Op.LE}


def _text_q(path: str, op: Op, value: str, case: str) -> Q:
    """`:` contains (or equals, for `case="equal"` fields); `=` equals; any letter case."""
    value = value.strip()
    if case == "upper":
        return Q(**{path: value.upper()})
    if op is Op.MATCH and case == "contains":
        return Q(**{f"{path}__icontains": value})
    if case == "lower":
        # Why LOWER(col) = 'x' rather than iexact: it matches the (workspace, LOWER(col))
        # index on both databases; iexact is LIKE on SQLite, which no index serves.
        return Q(Exact(Lower(path), value.lower()))
    return Q(**{f"{path}__iexact": value})


def _name_q(compiler: _Compiler, clause: Clause) -> Q:
    words = str(clause.value).split()
    if clause.op is Op.EQ:
        full = " ".join(words)
        first, _, last = full.partition(" ")
        return Q(first_name__iexact=first, last_name__iexact=last) | Q(last_name__iexact=full)
    condition = Q()
    for word in words:
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return condition


def _company_q(compiler: _Compiler, clause: Clause) -> Q:
    value = str(clause.value).strip()
    if clause.op is Op.EQ:
        return Q(current_company_name__iexact=value) | Q(current_company__name__iexact=value)
    return Q(current_company_name__icontains=value) | Q(current_company__name__icontains=value)


def _seniority_q(compiler: _Compiler, clause: Clause) -> Q:
    rank = Seniority(str(clause.value)).rank
    return number_q("seniority_rank", clause.op, Decimal(rank))


def _number_field_q(compiler: _Compiler, clause: Clause) -> Q:
    path = {"years": "years_experience", "salary.min": "salary_min", "salary.max": "salary_max"}
    assert isinstance(clause.value, Decimal)
    return number_q(path[clause.field], clause.op, clause.value)


def _has_q(compiler: _Compiler, clause: Clause) -> Q:
    kind = str(clause.value)
    if kind == "email":
        return ~Q(primary_email="")
    if kind == "phone":
        return ~Q(primary_phone="")
    if kind == "owner":
        return Q(owner__isnull=False)
    if kind == "salary":
        return Q(salary_min__isnull=False) | Q(salary_max__isnull=False)
    if kind == "link":
        return having(ContactPoint.objects.filter(workspace_id=compiler.workspace_id, kind="url"))
    if kind == "resume":
        return having(Attachment.objects.filter(workspace_id=compiler.workspace_id, kind="resume"))
    if kind == "skills":
        return having(PersonSkill.objects.all())
    return having(PersonTag.objects.all())


def _bool_q(compiler: _Compiler, clause: Clause) -> Q:
    return Q(do_not_contact=bool(clause.value))


def _skill_exists(clauses: list[Clause]) -> Q:
    skills = PersonSkill.objects.all()
    for clause in clauses:
        if clause.field == "skills":
            skills = skills.filter(normalized=normalize_skill(str(clause.value)))
        elif clause.field == "skill_level":
            skills = skills.filter(level__in=compiler_relations.levels_matching(clause))
        else:
            assert isinstance(clause.value, Decimal)
            skills = skills.filter(number_q("years", clause.op, clause.value))
    return having(skills)


_FACT_FIELDS = frozenset({"consent", "remote"})
# Equality on these picks few people through an index; ranges (seniority>=…, dates) pick
# too many for it to pay to start there (measured on 1M people, SQLite).
_INDEXED = frozenset({"country", "city", "owner"})
_Handler = Callable[[_Compiler, Clause], Q]
_PERSON_HANDLERS: dict[str, _Handler] = {
    "name": _name_q,
    "company": _company_q,
    "seniority": _seniority_q,
    "years": _number_field_q,
    "salary.min": _number_field_q,
    "salary.max": _number_field_q,
    "has": _has_q,
    "do_not_contact": _bool_q,
    "owner": _Compiler.owner,
    "created": _Compiler.dated,
    "updated": _Compiler.dated,
    "last_engaged": _Compiler.dated,
    "consent": _Compiler.consent,
    "remote": _Compiler.remote,
}
# field -> (column, how ':' compares: contains / lower (equal, any case) / upper / iexact)
_PLAIN_FIELDS: dict[str, tuple[str, str]] = {
    "first_name": ("first_name", "contains"),
    "last_name": ("last_name", "contains"),
    "headline": ("headline", "contains"),
    "title": ("current_title", "contains"),
    "email": ("primary_email", "contains"),
    "phone": ("primary_phone", "contains"),
    "city": ("city", "lower"),
    "region": ("region", "lower"),
    "country": ("country", "upper"),
    "timezone": ("time_zone", "iexact"),
    "salary.currency": ("salary_currency", "upper"),
    "salary.period": ("salary_period", "iexact"),
    "lifecycle": ("lifecycle", "iexact"),
    "source": ("source__name", "iexact"),
}
