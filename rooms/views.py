"""Server-rendered pages of the rooms app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lobby(request: HttpRequest) -> HttpResponse:
    """The lobby page (a placeholder until rooms exist)."""
    return render(request, "lobby.html")
