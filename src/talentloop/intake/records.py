"""The one shape every intake source reads into: a person as a file described them.

CSV and XLSX rows, vCards, JSON Resume documents, Greenhouse and Lever exports and parsed
resumes all become `PersonDraft`s; the import pipeline upserts drafts through the people
actions, so every source gets the same validation, duplicate checks and events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from talentloop.people.actions import ContactInput, EducationInput, SkillInput, WorkInput


@dataclass(frozen=True)
class DraftProblem:
    """Something wrong with one draft: where (a field or column) and what, in words."""

    where: str
    message: str


@dataclass
class PersonDraft:
    """A person read from one record of a source file, not yet matched or saved.

    `fields` holds person field names (people.domain.PERSON_FIELDS) and `custom.<key>`
    custom fields; `external_ids` maps a system name ("greenhouse", "lever", "import") to
    that system's id for the person. `locator` says where the record was in its file
    ("row 12", "card 3", "resume.pdf") for per-record reports.
    """

    locator: str
    fields: dict[str, Any] = field(default_factory=dict)
    contacts: list[ContactInput] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    skills: list[SkillInput] = field(default_factory=list)
    work_history: list[WorkInput] = field(default_factory=list)
    education: list[EducationInput] = field(default_factory=list)
    external_ids: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[DraftProblem] = field(default_factory=list)

    @property
    def emails(self) -> list[str]:
        return [c.value for c in self.contacts if c.kind == "email"]

    @property
    def phones(self) -> list[str]:
        return [c.value for c in self.contacts if c.kind == "phone"]

    def refuse(self, where: str, message: str) -> None:
        self.problems.append(DraftProblem(where=where, message=message))
