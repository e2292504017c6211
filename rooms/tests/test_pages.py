"""The server-rendered pages of the UI: the rules page and the translation catalog the scripts
read their words from."""

from __future__ import annotations


def test_the_rules_page_explains_every_play_type(client):
    response = client.get("/rules/")
    assert response.status_code == 200
    page = response.content.decode()
    for play in (
        "Single",
        "Pair",
        "Three of a kind",
        "Straight",
        "Four of a kind",
        "Extended straight",
        "Extended straight (5)",
        "Five of a kind",
        "Double straight",
    ):
        assert f"<dt>{play}</dt>" in page
    for heading in (
        "Declarations and their two limits",
        "Scoring",
        "Weak hands, redeals and the multiplier",
    ):
        assert heading in page
    # The examples are drawn by the page's script from the pieces named here.
    assert 'data-pieces="CHARIOT_RED CHARIOT_RED HORSE_RED HORSE_RED CANNON_RED CANNON_RED"' in page


def test_the_script_catalog_gives_the_translation_functions(client):
    response = client.get("/jsi18n/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    for function in (
        "django.gettext = function",
        "django.ngettext = function",
        "django.interpolate = function",
    ):
        assert function in script


def test_a_page_loads_the_catalog_before_its_scripts(client):
    page = client.get("/").content.decode()
    assert page.index('src="/jsi18n/"') < page.index('type="module"')
