"""Template context for every page of base.html."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def languages(request: HttpRequest) -> dict:
    """The switcher's languages, each named in its own language (settings.LANGUAGES as
    written: Django's {% get_available_languages %} translates the names into the page's)."""
    return {"language_choices": settings.LANGUAGES}
