"""Top-level URL configuration."""

from django.contrib import admin
from django.middleware.http import ConditionalGetMiddleware
from django.templatetags.static import static
from django.urls import include, path
from django.utils import translation
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_cookie
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from rooms import api, debug_api, views
from rooms.metrics import metrics_view

# The scripts' words (gettext, ngettext, interpolate) in the request's language. One URL for every
# language, so a browser must not keep a copy across a language change: it asks again on each
# page (no-cache; the answer depends on the language cookie and Accept-Language, LocaleMiddleware
# adds the latter to Vary) and gets a 304 when its copy, known by its ETag, is still right.
javascript_catalog = decorator_from_middleware(ConditionalGetMiddleware)(
    vary_on_cookie(cache_control(no_cache=True, private=True)(JavaScriptCatalog.as_view()))
)


urlpatterns = [
    path("", views.lobby, name="lobby"),
    path("rules/", views.rules, name="rules"),
    path("jsi18n/", javascript_catalog, name="javascript-catalog"),
    # The staff pages' scripts, in English whatever the visitor's language.
    path(
        "jsi18n/en/",
        translation.override("en")(JavaScriptCatalog.as_view()),
        name="javascript-catalog-en",
    ),
    # set_language: POST language= (and next=) sets the language cookie; the switcher's form.
    path("i18n/", include("django.conf.urls.i18n")),
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
