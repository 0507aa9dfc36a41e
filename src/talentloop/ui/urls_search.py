"""Search pages: the people page's builder, facets and lookup; segments and static lists."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from talentloop.ui.views import search, segments

urlpatterns: list[URLPattern | URLResolver] = [
    path("people/query/builder/", search.builder, name="search_builder"),
    path("people/query/chips/", search.chips, name="search_chips"),
    path("people/facets/", search.facet_panel, name="search_facets"),
    path("lookup/", search.lookup, name="search_lookup"),
    path("segments/", segments.segment_list, name="segment_list"),
    path("segments/new/", segments.segment_create, name="segment_create"),
    path("segments/<int:segment_id>/", segments.segment_detail, name="segment_detail"),
    path("segments/<int:segment_id>/facets/", segments.segment_facets, name="segment_facets"),
    path("segments/<int:segment_id>/edit/", segments.segment_edit, name="segment_edit"),
    path("segments/<int:segment_id>/delete/", segments.segment_delete, name="segment_delete"),
    path("segments/<int:segment_id>/snapshot/", segments.segment_snapshot, name="segment_snapshot"),
    path("segments/<int:segment_id>/export.csv", segments.segment_export, name="segment_export"),
    path("lists/", segments.list_index, name="list_index"),
    path("lists/<int:list_id>/", segments.list_detail, name="list_detail"),
    path("lists/<int:list_id>/remove/", segments.list_remove, name="list_remove"),
    path("lists/<int:list_id>/delete/", segments.list_delete, name="list_delete"),
    path("lists/<int:list_id>/export.csv", segments.list_export, name="list_export"),
]
