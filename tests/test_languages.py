"""How a page's language is chosen (gameproject/settings.py, LANGUAGES): the language cookie set
by the switcher on every page, else the browser's Accept-Language, else English; the switcher's
form; the scripts' catalog follows the same choice and is never kept across a change."""

from __future__ import annotations

import re
from http.cookies import Morsel

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from rooms.services import room_create_sync

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
#: A phrase of every page's top bar.
PHRASE = "How to play"


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', page)
    assert match, page[:300]
    return match.group(1)


def visit(client: Client, url: str = "/", **headers: str) -> tuple[str, str]:
    """The page's <html lang> and its text."""
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert response["Content-Language"] == html_lang(page)
    return html_lang(page), page


def test_the_languages_are_english_thai_and_simplified_chinese_named_in_their_own():
    assert settings.LANGUAGE_CODE == "en"
    assert settings.LANGUAGES == [("en", "English"), ("th", "ไทย"), ("zh-hans", "简体中文")]
    middleware = settings.MIDDLEWARE
    locale = middleware.index("django.middleware.locale.LocaleMiddleware")
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < locale
    assert locale < middleware.index("django.middleware.common.CommonMiddleware")


@pytest.mark.parametrize(
    ("accept", "language"),
    [
        ("th", "th"),
        ("th-TH,th;q=0.9,en;q=0.8", "th"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "en"),  # not offered: English
        ("fr,th;q=0.5", "th"),  # the first offered one
        ("", "en"),
    ],
)
def test_a_first_visit_follows_accept_language(client, accept, language):
    lang, page = visit(client, "/", HTTP_ACCEPT_LANGUAGE=accept)
    assert lang == language
    assert translated(PHRASE, language) in page


@pytest.mark.parametrize("language", ["th", "zh-hans"])
def test_thai_and_chinese_pages_are_translated(client, language):
    assert translated(PHRASE, language) != PHRASE, f"no {language} catalog for {PHRASE!r}"
    for url in ("/", "/rules/"):
        lang, page = visit(client, url, HTTP_ACCEPT_LANGUAGE=language)
        assert lang == language
        assert translated(PHRASE, language) in page and f">{PHRASE}<" not in page


def test_the_cookie_beats_accept_language_and_an_unknown_one_is_ignored(client):
    client.cookies[COOKIE] = "zh-hans"
    assert visit(client, "/", HTTP_ACCEPT_LANGUAGE="th")[0] == "zh-hans"
    client.cookies[COOKIE] = "en"
    assert visit(client, "/", HTTP_ACCEPT_LANGUAGE="th")[0] == "en"
    client.cookies[COOKIE] = "fr"  # not offered: as if there were none
    assert visit(client, "/", HTTP_ACCEPT_LANGUAGE="th")[0] == "th"
    assert visit(client, "/", HTTP_ACCEPT_LANGUAGE="de")[0] == "en"


def switcher(page: str) -> str:
    match = re.search(r'<form id="language-form".*?</form>', page, re.S)
    assert match, "no language switcher"
    return match.group(0)


def room_id(client: Client) -> str:
    response = client.post(
        "/api/rooms/", {"player_name": "Mei", "bots": 3}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["room_id"]


@pytest.mark.parametrize("page_name", ["lobby", "rules", "table"])
def test_every_page_has_the_switcher(client, page_name):
    url = {"lobby": "/?from=test", "rules": "/rules/", "table": None}[page_name]
    if url is None:
        url = f"/rooms/{room_id(client)}/"
    client.cookies[COOKIE] = "th"
    form = switcher(visit(client, url)[1])
    assert 'method="post" action="/i18n/setlang/"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    # Back to the same page, its query string kept.
    assert f'<input type="hidden" name="next" value="{url.replace("&", "&amp;")}">' in form
    assert re.search(r'<label for="language"[^>]*>[^<]+</label>', form)
    option = r'<option value="([^"]+)" lang="([^"]+)"( selected)?>([^<]+)</option>'
    options = re.findall(option, form)
    assert options == [
        ("en", "en", "", "English"),
        ("th", "th", " selected", "ไทย"),
        ("zh-hans", "zh-hans", "", "简体中文"),
    ]
    assert 'type="submit"' in form


def test_the_switcher_sets_the_language_cookie_and_goes_back():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/rules/?tab=plays").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', switcher(page)).group(1)
    form = {"language": "th", "next": "/rules/?tab=plays"}
    # Django's CSRF check: a form from elsewhere does not change the language.
    refused = client.post("/i18n/setlang/", form)
    assert refused.status_code == 403 and COOKIE not in refused.cookies

    response = client.post("/i18n/setlang/", {**form, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/rules/?tab=plays"
    cookie: Morsel = response.cookies[COOKIE]
    assert cookie.value == "th"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert cookie["samesite"] == "Lax" and cookie["httponly"] and cookie["path"] == "/"
    assert visit(client, "/rules/", HTTP_ACCEPT_LANGUAGE="zh-CN")[0] == "th"

    # Another site as `next`: back to this site's lobby instead.
    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": "https://evil.example/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies[COOKIE].value == "en"


def test_the_script_catalog_follows_the_language_and_is_not_kept_across_a_change(client):
    english = client.get("/jsi18n/")
    assert english.status_code == 200 and english["Content-Language"] == "en"
    # One URL for every language: a browser asks again on every page, and the answer varies
    # with the cookie and Accept-Language.
    assert "no-cache" in english["Cache-Control"]
    vary = {part.strip().lower() for part in english["Vary"].split(",")}
    assert {"cookie", "accept-language"} <= vary
    # The same language again: a 304 for the copy the browser has.
    again = client.get("/jsi18n/", headers={"If-None-Match": english["ETag"]})
    assert again.status_code == 304

    client.cookies[COOKIE] = "th"
    thai = client.get("/jsi18n/", headers={"If-None-Match": english["ETag"]})
    assert thai.status_code == 200 and thai["Content-Language"] == "th"
    assert thai["ETag"] != english["ETag"]
    # Thai letters, as they are or escaped in the script's JSON.
    assert re.search(r"[\u0e00-\u0e7f]|\\u0e[0-7][0-9a-f]", thai.content.decode()), "no Thai"


def test_the_staff_replay_stays_english_with_english_scripts(admin_client):
    """A staff page: its template, its scripts' catalog and no language switcher, in English
    whatever the visitor's language."""
    room_id = room_create_sync("Mei", bots=3).room_id
    admin_client.cookies[COOKIE] = "th"
    page = admin_client.get(f"/rooms/{room_id}/replay/").content.decode()
    assert '<html lang="en">' in page and "Replay of room" in page
    assert 'src="/jsi18n/en/"' in page and 'id="language-form"' not in page
    catalog = admin_client.get("/jsi18n/en/").content.decode()
    thai = admin_client.get("/jsi18n/").content.decode()
    # Thai letters, as the catalog writes them (JSON escapes): in the visitor's, not the staff's.
    assert "\\u0e" in thai and "\\u0e" not in catalog
