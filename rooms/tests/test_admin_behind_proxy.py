"""The admin's login behind an HTTPS proxy (docs/deployment.md): with
DJANGO_BEHIND_HTTPS_PROXY's settings, Django trusts the proxy's X-Forwarded-Proto, so the
browser's https Origin matches and the login's CSRF check passes; without them it fails."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

HOST = "play.example.com"
PROXIED = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": HOST}


def log_in(client: Client) -> int:
    page = client.get("/admin/login/", **PROXIED)
    assert page.status_code == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    answer = client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff", "password": "a long password", "csrfmiddlewaretoken": token.decode()},
        HTTP_ORIGIN=f"https://{HOST}",
        HTTP_REFERER=f"https://{HOST}/admin/login/",
        **PROXIED,
    )
    return answer.status_code


@pytest.fixture
def staff(settings):
    settings.ALLOWED_HOSTS = [HOST]
    User.objects.create_superuser("staff", "staff@example.com", "a long password")


def test_admin_login_behind_an_https_proxy(staff, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client(enforce_csrf_checks=True)
    assert log_in(client) == 302  # to /admin/: logged in
    assert client.cookies["sessionid"]["secure"]


def test_without_the_proxy_settings_the_origin_check_fails(staff):
    assert log_in(Client(enforce_csrf_checks=True)) == 403
