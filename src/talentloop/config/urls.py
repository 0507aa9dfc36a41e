from django.contrib import admin
from django.urls import include, path

from talentloop.core.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("talentloop.api.main")),
    path("", include("talentloop.ui.urls")),
]
