from django.contrib import admin

from talentloop.people.models import (
    Activity,
    Attachment,
    Company,
    ContactPoint,
    CustomFieldDefinition,
    Person,
    Source,
    SourceCost,
    Tag,
    Task,
)


class ContactPointInline(admin.TabularInline[ContactPoint, Person]):
    model = ContactPoint
    extra = 0
    fields = ("kind", "value", "label", "is_primary", "verified")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("__str__", "primary_email", "current_title", "lifecycle", "workspace")
    list_filter = ("lifecycle", "seniority", "workspace")
    search_fields = ("first_name", "last_name", "primary_email")
    raw_id_fields = ("owner", "source", "current_company")
    inlines = (ContactPointInline,)
    show_full_result_count = False  # why: a COUNT(*) over millions of people on every page


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin[Company]):
    list_display = ("name", "domain", "is_client", "workspace")
    search_fields = ("name", "domain")


class SourceCostInline(admin.TabularInline[SourceCost, Source]):
    model = SourceCost
    extra = 0
    exclude = ("workspace",)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin[Source]):
    list_display = ("name", "kind", "workspace")
    inlines = (SourceCostInline,)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ("name", "color", "workspace")
    search_fields = ("name",)


@admin.register(CustomFieldDefinition)
class CustomFieldDefinitionAdmin(admin.ModelAdmin[CustomFieldDefinition]):
    list_display = ("key", "label", "field_type", "archived", "workspace")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    list_display = ("occurred_at", "kind", "person", "actor")
    list_filter = ("kind",)
    raw_id_fields = ("person", "actor")
    show_full_result_count = False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = ("title", "assignee", "due_at", "completed_at")
    raw_id_fields = ("person", "assignee", "created_by")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin[Attachment]):
    list_display = ("original_name", "person", "content_type", "size", "created_at")
    raw_id_fields = ("person", "uploaded_by")
