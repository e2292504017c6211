"""Top-level URL configuration."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from rooms import api, debug_api, views
from rooms.metrics import metrics_view

urlpatterns = [
    path("", views.lobby, name="lobby"),
    path("rules/", views.rules, name="rules"),
    # The UI's translations for its scripts (gettext, ngettext, interpolate): English only for now.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("rooms/<str:room_id>/", views.table, name="table"),
    path("rooms/<str:room_id>/replay/", views.replay, name="replay"),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("api/health/", api.health, name="health"),
    path("api/ready/", api.ready, name="ready"),
    path("metrics", metrics_view, name="metrics"),
    path("api/rooms/", api.rooms, name="rooms"),
    path("api/rooms/<str:room_id>/", api.room, name="room"),
    path("api/rooms/<str:room_id>/join/", api.join, name="room-join"),
    path("api/debug/events/<str:room_id>/", debug_api.events, name="debug-events"),
    path("api/debug/replay/<str:room_id>/", debug_api.replay_view, name="debug-replay"),
    path("api/debug/rooms/<str:room_id>/state/", debug_api.live_state, name="debug-state"),
    path("api/debug/stats/", debug_api.stats, name="debug-stats"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
