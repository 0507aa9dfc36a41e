"""Workspaces, users, roles and API tokens."""

from __future__ import annotations

import pytest

from talentloop.accounts.actions import (
    TOKEN_PREFIX,
    do_change_role,
    do_create_api_token,
    do_create_user,
    do_create_workspace,
    do_revoke_api_token,
    hash_token,
)
from talentloop.accounts.domain import Role, Scope, parse_scopes
from talentloop.accounts.models import ApiToken, User, Workspace
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.models import Event
from talentloop.recruiting.models import PipelineTemplate, RejectionReason

pytestmark = pytest.mark.django_db


def test_a_new_workspace_gets_a_slug_a_region_and_recruiting_defaults():
    # when
    workspace = do_create_workspace(name="Acme Hiring GmbH", default_phone_region="de")

    # then
    assert workspace.slug == "acme-hiring-gmbh"
    assert workspace.default_phone_region == "DE"
    assert workspace.default_currency == "USD"
    kinds = set(PipelineTemplate.objects.filter(workspace=workspace).values_list("kind", flat=True))
    assert kinds == {"job", "pool"}
    assert RejectionReason.objects.filter(workspace=workspace).count() >= 2
    assert Event.objects.filter(verb="workspace.created", subject_id=workspace.pk).exists()


def test_a_workspace_named_only_in_symbols_still_gets_a_slug():
    assert do_create_workspace(name="!!!").slug == "workspace"


def test_a_taken_slug_is_a_conflict_and_nothing_is_written():
    do_create_workspace(name="Acme")
    before = (Workspace.objects.count(), PipelineTemplate.objects.count())
    with pytest.raises(Conflict) as caught:
        do_create_workspace(name="ACME")
    assert caught.value.fields == {"slug": "taken"}
    assert (Workspace.objects.count(), PipelineTemplate.objects.count()) == before


def test_a_user_is_created_with_a_lower_cased_email_and_a_usable_password(workspace):
    user = do_create_user(
        workspace=workspace,
        actor=None,
        email="  Grace@Example.COM ",
        password="a long passphrase",
        role=Role.COORDINATOR,
    )
    assert user.email == "grace@example.com"
    assert user.check_password("a long passphrase")
    assert user.role_enum is Role.COORDINATOR
    assert not user.is_staff
    assert not user.is_superuser
    event = Event.objects.get(verb="user.created", subject_id=user.pk)
    assert event.data == {"role": "coordinator"}
    assert "grace" not in str(event.data)


def test_a_taken_email_is_a_conflict_whatever_its_case(workspace):
    do_create_user(
        workspace=workspace, actor=None, email="grace@example.com", password=None, role=Role.ADMIN
    )
    with pytest.raises(Conflict) as caught:
        do_create_user(
            workspace=workspace,
            actor=None,
            email="GRACE@example.com",
            password=None,
            role=Role.ANALYST,
        )
    assert caught.value.fields == {"email": "taken"}
    assert User.objects.filter(email__iexact="grace@example.com").count() == 1


def test_changing_a_role_records_it_once(personas):
    do_change_role(actor=personas.admin, user=personas.analyst, role=Role.RECRUITER)
    do_change_role(actor=personas.admin, user=personas.analyst, role=Role.RECRUITER)
    personas.analyst.refresh_from_db()
    assert personas.analyst.role == "recruiter"
    assert Event.objects.filter(verb="user.role_changed").count() == 1


def test_an_api_token_keeps_only_a_hash_of_its_secret(personas):
    # when
    token, secret = do_create_api_token(
        actor=personas.admin, user=personas.recruiter, name="CI", scopes=[Scope.READ]
    )

    # then the secret is shown once; the database holds its hash and a short prefix
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith(TOKEN_PREFIX)
    assert stored.token_hash == hash_token(secret) != secret
    assert len(stored.token_hash) == 64
    assert stored.prefix == secret[:10]
    for field in ApiToken._meta.concrete_fields:
        assert secret not in str(getattr(stored, field.attname))
    event = Event.objects.get(verb="api_token.created")
    assert secret not in str(event.data)
    assert stored.has_scope(Scope.READ)
    assert not stored.has_scope(Scope.WRITE)


def test_each_token_gets_its_own_secret(personas):
    _, first = do_create_api_token(actor=None, user=personas.admin, name="", scopes=[Scope.READ])
    _, second = do_create_api_token(actor=None, user=personas.admin, name="", scopes=[Scope.READ])
    assert first != second
    assert ApiToken.objects.filter(name="API token").count() == 2


def test_an_admin_scope_covers_the_others(personas):
    token, _ = do_create_api_token(actor=None, user=personas.admin, name="x", scopes=[Scope.ADMIN])
    assert token.has_scope(Scope.WRITE)
    assert token.has_scope(Scope.EXPORT)


def test_a_token_without_scopes_or_workspace_is_refused(personas):
    with pytest.raises(ValidationFailed) as caught:
        do_create_api_token(actor=None, user=personas.admin, name="x", scopes=[])
    assert caught.value.fields == {"scopes": "required"}
    platform_user = User.objects.create_user("root@example.com", "pw")
    with pytest.raises(ValidationFailed):
        do_create_api_token(actor=None, user=platform_user, name="x", scopes=[Scope.READ])
    assert not ApiToken.objects.exists()


def test_revoking_stamps_the_token_once(personas):
    token, _ = do_create_api_token(actor=None, user=personas.admin, name="x", scopes=[Scope.READ])
    do_revoke_api_token(actor=personas.admin, token=token)
    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at
    do_revoke_api_token(actor=personas.admin, token=token)
    assert revoked_at is not None
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at
    assert Event.objects.filter(verb="api_token.revoked").count() == 1


def test_scopes_are_parsed_deduplicated_and_ordered():
    assert parse_scopes([" write", "read", "read"]) == [Scope.READ, Scope.WRITE]
    assert parse_scopes([]) == []


def test_an_unknown_scope_is_named_with_the_allowed_ones():
    with pytest.raises(ValueError, match=r"unknown scope 'delete'; allowed: read, write"):
        parse_scopes(["read", "delete"])


def test_a_platform_user_without_workspace_sees_no_tenant():
    user = User(email="root@example.com")
    assert user.tenant_id == 0
    assert user.display_name == "root"
