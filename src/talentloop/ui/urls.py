"""The server-rendered UI at "/"."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from talentloop.ui.views import auth, dashboard, people, person, tasks

urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", auth.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("password-reset/", auth.ResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="ui/auth/reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="ui/auth/reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="ui/auth/reset_complete.html"),
        name="password_reset_complete",
    ),
    path("people/", people.people_list, name="people"),
    path("people/bulk/", people.people_bulk, name="people_bulk"),
    path("people/export.csv", people.people_export, name="people_export"),
    path("people/<int:person_id>/", person.profile, name="person"),
    path("people/<int:person_id>/edit/", person.edit, name="person_edit"),
    path("people/<int:person_id>/timeline/", person.timeline, name="person_timeline"),
    path("people/<int:person_id>/activities/", person.log_activity, name="person_log"),
    path("people/<int:person_id>/tasks/", person.create_task, name="person_task"),
    path("people/<int:person_id>/attachments/", person.upload, name="person_upload"),
    path("attachments/<int:attachment_id>/", person.attachment_preview, name="attachment"),
    path("attachments/<int:attachment_id>/file/", person.attachment_file, name="attachment_file"),
    path("tasks/", tasks.inbox, name="tasks"),
    path("tasks/<int:task_id>/complete/", tasks.complete, name="task_complete"),
    path("tasks/<int:task_id>/snooze/", tasks.snooze, name="task_snooze"),
    path("tasks/<int:task_id>/reassign/", tasks.reassign, name="task_reassign"),
    path("", include("talentloop.ui.urls_jobs")),
    path("", include("talentloop.ui.urls_search")),
    path("", include("talentloop.ui.urls_outreach")),
    path("", include("talentloop.ui.urls_sequences")),
    path("", include("talentloop.ui.urls_campaigns")),
    path("", include("talentloop.ui.urls_workflows")),
    path("", include("talentloop.ui.urls_intake")),
    path("", include("talentloop.ui.urls_hygiene")),
    path("", include("talentloop.forms.urls")),
    path("", include("talentloop.ui.urls_forms")),
]
