"""Workspaces (tenants), users with one role each, and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models

from talentloop.accounts.domain import ROLE_CHOICES, Role, Scope


class Workspace(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64, unique=True)
    default_phone_region = models.CharField(max_length=2, default="US")
    default_currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN.value)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="users"
    )
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True, default="")
    role = models.CharField(max_length=32, choices=ROLE_CHOICES, default=Role.RECRUITER.value)
    time_zone = models.CharField(max_length=64, default="UTC")
    can_see_salary = models.BooleanField(
        default=False, help_text="Lets a hiring manager see salary expectations."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def tenant_id(self) -> int:
        """The workspace to scope reads to; a user with none (a platform superuser) sees nothing."""
        return self.workspace_id or 0

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class ApiToken(models.Model):
    """A bearer token acting as its user. Only a SHA-256 of the secret is stored."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: Scope) -> bool:
        return scope.value in self.scopes or Scope.ADMIN.value in self.scopes
