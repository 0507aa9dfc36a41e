"""Search pieces of the people page: the filter builder, facet sidebar and quick lookup."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from talentloop.accounts.models import User
from talentloop.accounts.permissions import sees_salary
from talentloop.people import queries as people_queries
from talentloop.people.domain import Seniority
from talentloop.search import domain as query
from talentloop.search import facets, fulltext
from talentloop.search.fields import CUSTOM_PREFIXES, FieldSpec, ValueKind
from talentloop.ui import people_query as pq
from talentloop.ui import query_builder as qb
from talentloop.ui.views.common import AppRequest, login_required, respond

_SENIORITY_LABELS = {level.value: str(level.label) for level in Seniority}
LOOKUP_LIMIT = 8
QUERY_FORMS = {"people-filters", "segment-edit"}
FACET_LIMIT = 8
# Facet name -> (heading, query field the value is filtered on).
FACETS = {
    "skills": ("Skills", "skills"),
    "tags": ("Tags", "tag"),
    "seniority": ("Seniority", "seniority"),
    "country": ("Country", "country"),
    "city": ("City", "city"),
    "source": ("Source", "source"),
    "stage": ("Stage", "stage"),
}
_TEXT_OPS = [("words", "has the words"), ("phrase", "has the phrase")]
# Why symbols: they read the same as the query text next to the builder ("years ≥ 5").
_OP_LABELS = {":": "is", "=": "=", "!=": "is not", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


@dataclass(frozen=True)
class FieldChoice:
    """One entry of the builder's field picker, with what its op and value pickers offer."""

    name: str
    label: str
    group: str
    help: str
    ops: list[tuple[str, str]]
    values: list[str]
    input_type: str
    placeholder: str


_OP_ORDER = [":", "=", "!=", "<", "<=", ">", ">="]
_GROUP_LABELS = {
    "person": "Person",
    "skill": "Skills",
    "tag": "Tags",
    "custom": "Custom fields",
    "candidacy": "Jobs and pools",
    "activity": "Activity",
}


def field_choices(user: User | None = None) -> list[FieldChoice]:
    """The builder's fields: free text first, then the language's fields by group."""
    salary_ok = user is None or sees_salary(user)
    text = FieldChoice(
        qb.TEXT_FIELD, "Text", "", "Words anywhere in the profile", _TEXT_OPS, [], "text", "words"
    )
    specs = [spec for spec in query.FIELDS.values() if salary_ok or not spec.salary]
    order = list(_GROUP_LABELS)
    specs.sort(key=lambda spec: order.index(spec.group) if spec.group in order else len(order))
    return [text, *(_choice(spec) for spec in specs), *_custom_choices(user)]


def _custom_choices(user: User | None) -> list[FieldChoice]:
    """The workspace's custom fields, as `custom.<key>` clauses."""
    if user is None:
        return []
    definitions = people_queries.custom_fields(user).filter(archived=False).order_by("label")
    return [
        FieldChoice(
            name=f"custom.{definition.key}",
            label=definition.label,
            group="Custom fields",
            help=f"custom field ({definition.field_type})",
            ops=[(op, _OP_LABELS[op]) for op in _OP_ORDER],
            values=[str(choice) for choice in definition.choices or []],
            input_type="number" if definition.field_type in {"number", "integer"} else "text",
            placeholder="value",
        )
        for definition in definitions[:100]
    ]


def _choice(spec: FieldSpec) -> FieldChoice:
    ops = [op for op in _OP_ORDER if op in {str(o) for o in spec.ops}]
    values = list(spec.choices)
    if spec.value == ValueKind.BOOL:
        values = ["yes", "no"]
    return FieldChoice(
        name=spec.name,
        label=spec.name.replace("_", " ").replace(".", " ").capitalize(),
        group=_GROUP_LABELS.get(spec.group, "Other"),
        help=spec.help,
        ops=[(op, _OP_LABELS.get(op, op)) for op in ops],
        values=values,
        input_type="number" if spec.value == ValueKind.NUMBER else "text",
        placeholder=_example_value(spec),
    )


def _example_value(spec: FieldSpec) -> str:
    for op in sorted(_OP_ORDER, key=len, reverse=True):
        head = spec.name + op
        if spec.example.startswith(head):
            return qb.unquote(spec.example[len(head) :])
    return "value"


def _new_clause() -> qb.Row:
    field = "skills" if "skills" in query.FIELDS else qb.TEXT_FIELD
    return qb.Row(qb.CLAUSE, 1, False, field, ":", "")


def builder_context(
    user: User, people_query: pq.PeopleQuery, rows: list[qb.Row] | None = None
) -> dict[str, Any]:
    """What `ui/search/_builder.html` needs to show rows (from the query unless given)."""
    if rows is None:
        node = people_query.node if people_query.node is not None else query.MatchAll()
        rows = qb.rows_from_tree(node) if people_query.is_valid else [qb.Row(qb.ALL)]
    fields = field_choices(user)
    known = {choice.name for choice in fields}
    fields += [_custom_choice(name) for name in _row_fields(rows) - known if _is_custom(name)]
    root = qb.tree(_normalised(rows, fields))
    qb.check_clauses(root)
    return {
        "root": root,
        "fields": fields,
        "field_map": {f.name: f for f in fields},
        "broken": not people_query.is_valid,
        "qb_text": people_query.text,
    }


def _row_fields(rows: list[qb.Row]) -> set[str]:
    return {row.field for row in rows if not row.is_group}


def _is_custom(name: str) -> bool:
    return name.startswith(CUSTOM_PREFIXES)


def _custom_choice(name: str) -> FieldChoice:
    """A picker entry for a custom field the workspace no longer lists (archived)."""
    ops = [(op, _OP_LABELS[op]) for op in _OP_ORDER]
    return FieldChoice(name, name, "Custom fields", "custom field", ops, [], "text", "value")


def _normalised(rows: list[qb.Row], fields: list[FieldChoice]) -> list[qb.Row]:
    """Make each clause's operator one its field allows (after the field picker changed)."""
    allowed = {choice.name: [op for op, _ in choice.ops] for choice in fields}
    fixed = []
    for row in rows:
        if not row.is_group:
            ops = allowed.get(row.field)
            if ops is None:
                row = qb.Row(row.kind, row.depth, row.negated, qb.TEXT_FIELD, "words", row.value)
                ops = ["words", "phrase"]
            if row.op not in ops:
                row = qb.Row(row.kind, row.depth, row.negated, row.field, ops[0], row.value)
        fixed.append(row)
    return fixed


@login_required
@require_POST
def builder(request: AppRequest) -> HttpResponse:
    """A builder edit: apply the clicked button, print the query, update the box and results."""
    rows = qb.rows_from_post(
        request.POST.getlist("r_kind"),
        request.POST.getlist("r_depth"),
        request.POST.getlist("r_not"),
        request.POST.getlist("r_field"),
        request.POST.getlist("r_op"),
        request.POST.getlist("r_value"),
    )
    command = request.POST.get("do", "")
    focus = qb.inserted_at(rows, command) if command else None
    if command:
        rows = qb.apply(rows, command, new_clause=_new_clause())
    context = builder_context(request.user, pq.PeopleQuery(""), rows)
    text = pq.canonical(qb.text_of(context["root"]))
    context.update({"query_text": text, "query_form": _query_form(request.POST), "focus": focus})
    response = respond(request, "ui/search/_builder_response.html", context)
    if text != request.POST.get("qb_text"):
        # Why after-settle: the results refresh must read the query box the swap just updated.
        response["HX-Trigger-After-Settle"] = json.dumps({"qb-search": {"q": text}})
    return response


@login_required
@require_GET
def chips(request: AppRequest) -> HttpResponse:
    """The builder for typed text (or the inline error when it does not parse)."""
    people_query = pq.parse_query(request.GET.get("q", "")[: pq.MAX_QUERY])
    context = builder_context(request.user, people_query)
    context.update({"pq": people_query, "query_form": _query_form(request.GET)})
    response = respond(request, "ui/search/_chips_response.html", context)
    if not people_query.is_valid:
        response["HX-Reswap"] = "none"  # keep the chips as they were; only the error shows
    return response


def _query_form(params: QueryDict) -> str:
    """Which form the query box belongs to (the people search or a segment's edit form)."""
    chosen = params.get("qb_form", "")
    return chosen if chosen in QUERY_FORMS else "people-filters"


@login_required
@require_GET
def facet_panel(request: AppRequest) -> HttpResponse:
    """Counts per facet value for the current query; each value adds a clause when clicked."""
    people_query = pq.read_query(request.user, request.GET)
    groups: list[dict[str, Any]] = []
    if people_query.is_valid:
        try:
            people = pq.matching(request.user, people_query)
        except query.QueryError as error:
            people_query.error = error
            return respond(request, "ui/search/_facets.html", {"groups": [], "pq": people_query})
        counts = facets.facet_counts(
            people,
            facets=tuple(FACETS),
            top=FACET_LIMIT,
            viewer=request.user,
        )
        groups = [facet_group(name, counts.get(name, []), people_query) for name in FACETS]
    return respond(request, "ui/search/_facets.html", {"groups": groups, "pq": people_query})


def facet_group(
    name: str, values: list[tuple[str, int]], people_query: pq.PeopleQuery
) -> dict[str, Any]:
    heading, field = FACETS[name]
    items = []
    for value, count in values[:FACET_LIMIT]:
        clause = f"{field}:{qb.quote(str(value))}"
        text = pq.canonical(pq.and_all([people_query.text, clause]))
        params = QueryDict(mutable=True)
        params["q"] = text
        label = _SENIORITY_LABELS.get(value, value) if name == "seniority" else value
        items.append({"value": value, "label": label, "count": count, "query": params.urlencode()})
    return {"name": name, "heading": heading, "items": items}


@login_required
@require_GET
def lookup(request: AppRequest) -> HttpResponse:
    """Typo-tolerant name/email lookup for the top bar's search box."""
    text = request.GET.get("lookup", "").strip()[:100]
    people: list[Any] = []
    if len(text) >= 2:
        visible = people_queries.visible_people(request.user)
        hits = fulltext.fuzzy_people(
            request.user.tenant_id, text, limit=LOOKUP_LIMIT, visible=visible
        )
        found = {p.pk: p for p in visible.filter(pk__in=[pk for pk, _ in hits])}
        people = [found[pk] for pk, _ in hits if pk in found]
    more = QueryDict(mutable=True)
    more["q"] = text
    context = {
        "people": people,
        "text": text,
        "more_url": f"{reverse('people')}?{more.urlencode()}",
    }
    return respond(request, "ui/search/_lookup.html", context)
