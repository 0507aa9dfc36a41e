from django.contrib import admin

from talentloop.recruiting.models import (
    Candidacy,
    Job,
    PipelineTemplate,
    RejectionReason,
    Stage,
    StageChange,
    TalentPool,
)


class StageInline(admin.TabularInline[Stage, PipelineTemplate]):
    model = Stage
    extra = 0


@admin.register(PipelineTemplate)
class PipelineTemplateAdmin(admin.ModelAdmin[PipelineTemplate]):
    list_display = ("name", "kind", "is_default", "workspace")
    inlines = (StageInline,)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ("title", "status", "hiring_manager", "recruiter", "workspace")
    list_filter = ("status", "workspace")
    search_fields = ("title", "department")


@admin.register(TalentPool)
class TalentPoolAdmin(admin.ModelAdmin[TalentPool]):
    list_display = ("name", "owner", "workspace")


class StageChangeInline(admin.TabularInline[StageChange, Candidacy]):
    model = StageChange
    extra = 0
    fk_name = "candidacy"
    readonly_fields = ("stage", "from_stage", "entered_at", "exited_at", "actor")


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin[Candidacy]):
    list_display = ("person", "job", "pool", "stage", "outcome", "stage_entered_at")
    list_filter = ("outcome",)
    raw_id_fields = ("person", "job", "pool", "owner", "source")
    inlines = (StageChangeInline,)
    show_full_result_count = False


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin[RejectionReason]):
    list_display = ("name", "kind", "active", "workspace")
