from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from talentloop.accounts.models import ApiToken, User, Workspace


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin[Workspace]):
    list_display = ("name", "slug", "default_phone_region", "created_at")
    search_fields = ("name", "slug")


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]  # our User is not an AbstractUser
    ordering = ("email",)
    list_display = ("email", "full_name", "workspace", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "workspace")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "workspace", "role", "time_zone", "can_see_salary")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "workspace", "role", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ("groups",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = (
        "name",
        "prefix",
        "user",
        "workspace",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
    list_filter = ("workspace",)
