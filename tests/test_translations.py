"""The translation catalogs (docs/translations.md): every ``.po`` file of the repository, the
project's ``locale/`` and any app's, is complete, keeps the placeholders and the HTML of its
msgids, is written in its language's script, and has an up-to-date ``.mo`` next to it; the
project's catalogs hold exactly the words of the templates and the scripts.

Plain pytest: no database, no server, no gettext tools (polib reads the files, Python's own
``gettext`` module reads the ``.mo`` files as Django does).
"""

import ast
import gettext
import io
import json
import os
import re
from collections import Counter
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("th", "zh_Hans")  # the locale directories (language codes th, zh-hans)
DOMAINS = ("django", "djangojs")
# Directories never searched for catalogs or sources: the virtualenv (Django's own catalogs),
# caches, build output.
SKIPPED_DIRS = {".venv", ".git", "node_modules", "staticfiles", "test-results", "__pycache__"}


def find_catalogs() -> list[Path]:
    """Every ``<somewhere>/locale/<lang>/LC_MESSAGES/<domain>.po`` of the repository."""
    found = []
    for dirpath, dirnames, filenames in os.walk(REPO):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        path = Path(dirpath)
        if path.name == "LC_MESSAGES" and path.parent.parent.name == "locale":
            found += [path / name for name in sorted(filenames) if name.endswith(".po")]
    return found


CATALOGS = find_catalogs()
CATALOG_IDS = [str(p.relative_to(REPO)) for p in CATALOGS]


def language_of(po_path: Path) -> str:
    return po_path.parent.parent.name


def nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 0


# --- what a msgstr must keep ---------------------------------------------------------------------

# printf-style conversions as Python's % and Django's interpolate() read them; "%%" is a literal.
PLACEHOLDER = re.compile(
    r"%(?:\((\w+)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])"
)
TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


def named(text: str) -> set[str]:
    """The ``%(name)s`` placeholders of ``text``, by name."""
    return {m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1) and m.group(2) != "%"}


def positional(text: str) -> list[str]:
    """The unnamed conversions of ``text`` (``%s``, ``%d`` …), in order."""
    return [m.group(2) for m in PLACEHOLDER.finditer(text) if not m.group(1) and m.group(2) != "%"]


def tags(text: str) -> Counter:
    """The HTML tags of ``text`` by name, opening and closing counted apart."""
    return Counter((slash, name.lower()) for slash, name in TAG.findall(text))


def forms(entry: polib.POEntry) -> list[str]:
    """The msgstr, or every msgstr[i] of a plural entry, by index."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def entry_problems(entry: polib.POEntry, plurals: int) -> list[str]:
    """What is wrong with one entry of a catalog whose language has ``plurals`` forms."""
    where = f"msgid {entry.msgid!r}"
    if entry.obsolete:
        return [f"{where}: obsolete (#~): delete it (make messages runs with --no-obsolete)"]
    problems = []
    if "fuzzy" in entry.flags:
        problems.append(f"{where}: fuzzy (Django ignores it): check the translation, drop the flag")
    texts = forms(entry)
    if entry.msgid_plural and len(texts) != plurals:
        problems.append(f"{where}: {len(texts)} plural forms, the header says {plurals}")
    if any(not text for text in texts):
        problems.append(f"{where}: not translated")
        return problems
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    allowed = set().union(*(named(s) for s in sources))
    if entry.msgid_plural:
        # One form stands for every count (Thai, Chinese): it keeps the plural's placeholders.
        # With several forms, each keeps at least those its msgid and msgid_plural share.
        required = (
            named(entry.msgid_plural)
            if plurals == 1
            else named(entry.msgid) & named(entry.msgid_plural)
        )
    else:
        required = named(entry.msgid)
    for index, text in enumerate(texts):
        label = f"{where}, msgstr[{index}]" if entry.msgid_plural else where
        found = named(text)
        if required - found:
            problems.append(f"{label}: loses {sorted(required - found)} in {text!r}")
        if found - allowed:
            problems.append(f"{label}: adds {sorted(found - allowed)} in {text!r}")
        # Unnamed conversions cannot move: the same ones, in the same order (the plural's for
        # any form but a singular one).
        source = (
            entry.msgid_plural if entry.msgid_plural and (index or plurals == 1) else entry.msgid
        )
        if positional(text) != positional(source):
            problems.append(f"{label}: the conversions {positional(source)} differ in {text!r}")
        if tags(text) != tags(entry.msgid):
            problems.append(
                f"{label}: HTML tags {dict(tags(entry.msgid))} became {dict(tags(text))}"
            )
    return problems


@pytest.mark.parametrize("po_path", CATALOGS, ids=CATALOG_IDS)
def test_a_catalog_is_complete_and_keeps_placeholders_and_tags(po_path):
    po = polib.pofile(str(po_path))
    problems = []
    if po.metadata_is_fuzzy:
        problems.append("the header is fuzzy: remove '#, fuzzy' above msgid \"\"")
    plurals = nplurals(po)
    if not plurals:
        problems.append("the header has no Plural-Forms")
    if (
        language_of(po_path) in LANGUAGES
        and po.metadata.get("Plural-Forms", "").replace(" ", "") != "nplurals=1;plural=0;"
    ):
        problems.append("Thai and Chinese have one form: Plural-Forms: nplurals=1; plural=0;")
    for entry in po:
        problems += entry_problems(entry, plurals)
    assert problems == [], f"{po_path.relative_to(REPO)}:\n  " + "\n  ".join(problems)


def test_every_language_has_both_catalogs_of_the_ui():
    for language in LANGUAGES:
        for domain in DOMAINS:
            po_path = REPO / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
            assert po_path in CATALOGS, f"{po_path.relative_to(REPO)} is missing: run make messages"


# --- the script of each language -----------------------------------------------------------------

SCRIPTS = {
    "th": ("Thai script", re.compile(r"[\u0e00-\u0e7f]")),
    "zh_Hans": ("Chinese characters", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
}
# msgids whose translation may be the English text itself: formulas of the scoring table.
SAME_IN_EVERY_LANGUAGE = {"d > 0", "d + 5"}
BRAND = "Liap Tui"  # the game's name stays in Latin letters in every language


def words_of(msgid: str) -> str:
    """``msgid`` without its placeholders, tags, entities and the game's name."""
    text = PLACEHOLDER.sub("", msgid)
    text = re.sub(r"<[^>]*>|&\w+;", "", text)
    return text.replace(BRAND, "")


@pytest.mark.parametrize("po_path", CATALOGS, ids=CATALOG_IDS)
def test_a_translation_is_written_in_its_language(po_path):
    language = language_of(po_path)
    if language not in SCRIPTS:
        pytest.skip(f"no script check for {language}")
    script, pattern = SCRIPTS[language]
    problems = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        for text in forms(entry):
            if BRAND in entry.msgid and BRAND not in text:
                problems.append(f"{entry.msgid!r}: {BRAND!r} is gone from {text!r}")
            if entry.msgid in SAME_IN_EVERY_LANGUAGE or not re.search(
                r"[A-Za-z]", words_of(entry.msgid)
            ):
                continue
            if text and not pattern.search(text):
                problems.append(f"{entry.msgid!r}: no {script} in {text!r}")
    assert problems == [], f"{po_path.relative_to(REPO)}:\n  " + "\n  ".join(problems)


def test_the_exceptions_to_the_script_check_are_still_msgids():
    msgids = {e.msgid for path in CATALOGS for e in polib.pofile(str(path))}
    assert msgids >= SAME_IN_EVERY_LANGUAGE, SAME_IN_EVERY_LANGUAGE - msgids


# --- the compiled catalogs -----------------------------------------------------------------------


def compiled(po: polib.POFile) -> dict:
    """The catalog msgfmt makes of ``po``, keyed as Python's gettext (and so Django) reads it."""
    catalog = {}
    for entry in po.translated_entries():  # neither fuzzy nor obsolete nor empty
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                catalog[(msgid, int(index))] = text
        else:
            catalog[msgid] = entry.msgstr
    return catalog


@pytest.mark.parametrize("po_path", CATALOGS, ids=CATALOG_IDS)
def test_the_committed_mo_file_is_the_po_file_compiled(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), (
        f"{mo_path.relative_to(REPO)} is missing: run make messages and commit it"
    )
    po = polib.pofile(str(po_path))
    loaded = gettext.GNUTranslations(io.BytesIO(mo_path.read_bytes()))
    mo_catalog = {key: text for key, text in loaded._catalog.items() if key != ""}
    expected = compiled(po)
    stale = sorted(str(k) for k in expected.keys() ^ mo_catalog.keys())
    changed = sorted(
        str(k) for k in expected.keys() & mo_catalog.keys() if expected[k] != mo_catalog[k]
    )
    assert not stale and not changed, (
        f"{mo_path.relative_to(REPO)} is older than its .po (run make messages): "
        f"entries only on one side {stale[:5]}, translated differently {changed[:5]}"
    )
    assert loaded.info().get("plural-forms") == po.metadata.get("Plural-Forms"), (
        "Plural-Forms differ"
    )


# --- the project's catalogs against the sources --------------------------------------------------

JS_STRING = r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
# Strings (kept whole, so that "//" in a URL is no comment) or comments (dropped).
JS_CODE = re.compile(rf"({JS_STRING}|`(?:[^`\\]|\\.)*`)|//[^\n]*|/\*.*?\*/", re.S)
JS_CALL = re.compile(rf"(?<![\w.])(n?gettext)\(\s*({JS_STRING})?(?:\s*,\s*({JS_STRING}))?")


def js_literal(token: str) -> str:
    return json.loads(token) if token.startswith('"') else ast.literal_eval(token)


def script_msgids() -> tuple[set[str], list[str]]:
    """The msgids of ``static/js``, as ``makemessages -d djangojs`` extracts them, and the calls
    it cannot extract (a first argument that is not a string literal)."""
    msgids, unreadable = set(), []
    for path in sorted((REPO / "static").rglob("*.js")):
        if path.name == "i18n.js":  # defines the wrappers: its calls pass variables on
            continue
        code = JS_CODE.sub(lambda m: m.group(1) or "", path.read_text(encoding="utf-8"))
        for match in JS_CALL.finditer(code):
            function, first, second = match.groups()
            if first is None or (function == "ngettext" and second is None):
                unreadable.append(
                    f"{path.relative_to(REPO)}: {code[match.start() : match.start() + 60]!r}"
                )
                continue
            msgids.add(js_literal(first))
    return msgids, unreadable


TEMPLATE_CALL = re.compile(r"\b(?:n?p?gettext)\((u?'(?:[^'\\]|\\.)*'|u?\"(?:[^\"\\]|\\.)*\")")


def template_msgids() -> set[str]:
    """The msgids of the project's templates, through Django's own templatize (what
    ``makemessages`` hands to xgettext)."""
    from django.utils.translation.template import templatize

    msgids = set()
    for path in sorted((REPO / "templates").rglob("*.html")):
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        msgids |= {ast.literal_eval(token) for token in TEMPLATE_CALL.findall(code)}
    return msgids


def project_msgids(domain: str, suffix: str) -> tuple[set[str], set[str]]:
    """The msgids of the project's catalogs of ``domain`` (the same in every language), and those
    found only in files ending with ``suffix`` (the ones the sources must still hold)."""
    every, only_there = set(), set()
    for language in LANGUAGES:
        po_path = REPO / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
        for entry in polib.pofile(str(po_path)) if po_path.is_file() else []:
            every.add(entry.msgid)
            files = {name for name, _ in entry.occurrences}
            if files and all(name.endswith(suffix) for name in files):
                only_there.add(entry.msgid)
    return every, only_there


def test_the_script_catalogs_hold_the_words_of_the_scripts():
    sources, unreadable = script_msgids()
    assert unreadable == [], "gettext needs string literals, or makemessages cannot find the words"
    in_catalog, from_scripts = project_msgids("djangojs", ".js")
    assert sources - in_catalog == set(), "new words in static/js: run make messages and translate"
    assert from_scripts - sources == set(), "words no longer in static/js: run make messages"


def test_the_page_catalogs_hold_the_words_of_the_templates():
    sources = template_msgids()
    in_catalog, from_templates = project_msgids("django", ".html")
    assert sources - in_catalog == set(), "new words in templates: run make messages and translate"
    assert from_templates - sources == set(), "words no longer in templates: run make messages"
