"""factory_boy factories for tests. Rows are built through actions where the action matters."""

from __future__ import annotations

from typing import Any

import factory

from talentloop.accounts.actions import do_create_workspace
from talentloop.accounts.domain import Role
from talentloop.accounts.models import User, Workspace
from talentloop.people.models import Company, Person, Source, Tag
from talentloop.recruiting.actions import default_pipeline
from talentloop.recruiting.domain import PipelineKind
from talentloop.recruiting.models import Job, TalentPool

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test password


class WorkspaceFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"workspace-{n}")

    @classmethod
    def _create(cls, model_class: type[Workspace], *args: Any, **kwargs: Any) -> Workspace:
        # Through the action, so every workspace has its default pipelines and reasons.
        return do_create_workspace(name=kwargs["name"], slug=kwargs["slug"])


class UserFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = User
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = Role.RECRUITER.value
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation  # type: ignore[misc]
    def _save(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class CompanyFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Company

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Faker("company")


class SourceFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Source

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Source {n}")


class TagFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Tag

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class PersonFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Person

    workspace = factory.SubFactory(WorkspaceFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    headline = factory.Faker("job")
    current_title = factory.Faker("job")
    city = factory.Faker("city")
    country = "DE"


class JobFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Job

    workspace = factory.SubFactory(WorkspaceFactory)
    title = factory.Faker("job")
    status = "open"
    pipeline = factory.LazyAttribute(lambda job: default_pipeline(job.workspace, PipelineKind.JOB))


class TalentPoolFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = TalentPool

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Pool {n}")
    pipeline = factory.LazyAttribute(
        lambda pool: default_pipeline(pool.workspace, PipelineKind.POOL)
    )
