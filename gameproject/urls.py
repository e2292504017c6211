"""Top-level URL configuration."""

from django.contrib import admin
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from rooms import api, views

urlpatterns = [
    path("", views.lobby, name="lobby"),
    path("admin/", admin.site.urls),
    path("api/health/", api.health, name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

# Serves static/ when DEBUG is on (daphne has no static handler of its own); empty otherwise.
urlpatterns += staticfiles_urlpatterns()
