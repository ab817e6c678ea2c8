"""The Polish catalogue: complete, consistent with the source, compiled, and really used.

When a test here fails after you added or changed a UI string, run

    python tools/translations.py update    # merge the new strings into the .po file
    (translate the empty msgstr entries in tui_crm/locale/pl/LC_MESSAGES/tui_crm.po)
    python tools/translations.py compile   # write the .mo file the app loads
"""

from __future__ import annotations

import gettext
import importlib.util
import json
import os
import re
import string
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message

from tui_crm import i18n

ROOT = Path(__file__).resolve().parent.parent
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _load_tool() -> ModuleType:
    """tools/translations.py is a script, not a package module: load it from its path."""
    spec = importlib.util.spec_from_file_location("tui_crm_translations_tool", ROOT / "tools" / "translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
PO_PATH: Path = tool.catalogue_path("pl")
MO_PATH = PO_PATH.with_suffix(".mo")


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    return tool.read("pl")


@pytest.fixture(scope="module")
def source() -> Catalog:
    return tool.extract()


@pytest.fixture
def polish():
    i18n.setup("pl")
    yield
    i18n.setup("en")


def _entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _forms(message: Message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


def _label(message: Message) -> str:
    return repr(message.id if isinstance(message.id, str) else tuple(message.id))


def _placeholders(text: str) -> list[str]:
    """str.format fields ({n}, {path!r}, {x:>3}) and %-style ones (%(default)s, %s), sorted."""
    fields = [
        f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
        for _literal, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    ]
    percent = re.findall(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifreExXgGoc%]", text)
    return sorted(fields + [p for p in percent if p != "%%"])


# -- the catalogue ---------------------------------------------------------------------------


def test_extraction_finds_the_ui_strings(source: Catalog) -> None:
    """Guards the extractor itself: an empty or partial extraction would make the rest vacuous."""
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in _entries(source)}
    assert len(ids) > 150
    assert {"Save", "Search", "Help", "{n} contact", "A NIP has 10 digits."} <= ids


def test_every_source_string_has_a_polish_translation(source: Catalog, catalogue: Catalog) -> None:
    problems = []
    for message in _entries(source):
        entry = catalogue.get(message.id, context=message.context)
        if entry is None:
            problems.append(f"{_label(message)}: not in the catalogue (run tools/translations.py update)")
        elif entry.pluralizable != message.pluralizable or (message.pluralizable and entry.id != message.id):
            problems.append(f"{_label(message)}: the catalogue has it as {_label(entry)}")
        elif entry.fuzzy:
            problems.append(f"{_label(message)}: fuzzy")
        elif not all(form.strip() for form in _forms(entry)):
            problems.append(f"{_label(message)}: not translated")
        elif message.pluralizable and len(_forms(entry)) != 3:
            problems.append(f"{_label(message)}: {len(_forms(entry))} plural forms, Polish needs 3")
    assert not problems, "\n".join(problems)


def test_no_entry_is_fuzzy(catalogue: Catalog) -> None:
    assert not catalogue.fuzzy, "the header is marked fuzzy"
    assert [_label(m) for m in _entries(catalogue) if m.fuzzy] == []


def test_catalogue_declares_polish_plural_forms(catalogue: Catalog) -> None:
    assert str(catalogue.locale) == "pl"
    assert catalogue.num_plurals == 3
    plural = gettext.c2py(catalogue.plural_expr)
    assert [plural(n) for n in (1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 102, 112, 0)] == [
        0, 1, 1, 1, 2, 2, 2, 2, 2, 1, 2, 1, 2, 2
    ]


def test_placeholders_match(catalogue: Catalog) -> None:
    problems = []
    for message in _entries(catalogue):
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = _placeholders(ids[-1])
        if any(_placeholders(text) != expected for text in ids):
            problems.append(f"{_label(message)}: singular and plural msgid differ in placeholders")
        for index, form in enumerate(_forms(message)):
            try:
                found = _placeholders(form)
            except ValueError as error:  # an unbalanced { or }
                problems.append(f"{_label(message)} form {index}: {error}: {form!r}")
                continue
            if form and found != expected:
                problems.append(f"{_label(message)} form {index}: {found} instead of {expected}: {form!r}")
    assert not problems, "\n".join(problems)


def test_key_names_in_messages_stay_as_they_are(catalogue: Catalog) -> None:
    """ctrl+s, alt+p, shift+t … are what the user presses; a translation must keep them."""
    keys = re.compile(r"\b(?:ctrl|alt|shift)\+[a-z0-9]+\b|\b(?:escape|f1)\b")
    problems = [
        f"{_label(m)}: {form!r}"
        for m in _entries(catalogue)
        for form in _forms(m)
        if form and sorted(keys.findall(form)) != sorted(keys.findall(m.id if isinstance(m.id, str) else m.id[0]))
    ]
    assert not problems, "\n".join(problems)


def test_every_translation_call_is_extractable() -> None:
    """_(text) with a non-literal argument (an f-string, a variable, "a" + b) is never
    extracted, so it would stay English; build the text with .format() after translating."""
    problems = []
    for path in sorted((ROOT / "tui_crm").rglob("*.py")):
        if path.name == "i18n.py":  # defines _ and ngettext, passing their argument through
            continue
        for call, _in_fstring in tool.translation_calls(path):
            if tool.literal_message(call) is None:
                problems.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not problems, "translation calls without a literal text:\n" + "\n".join(problems)


def test_compiled_catalogue_is_up_to_date(catalogue: Catalog) -> None:
    assert MO_PATH.exists(), "run tools/translations.py compile"
    with open(MO_PATH, "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert [compiled.plural(n) for n in (1, 2, 5, 22, 25)] == [0, 1, 2, 1, 2]
    problems = []
    for message in _entries(catalogue):
        if not all(_forms(message)):
            continue  # untranslated: reported by test_every_source_string_has_a_polish_translation
        if message.pluralizable:
            singular, plural = message.id[0], message.id[1]
            for n in (1, 2, 5):
                got, want = compiled.ngettext(singular, plural, n), message.string[compiled.plural(n)]
                if got != want:
                    problems.append(f"{_label(message)} n={n}: {got!r} in the .mo, {want!r} in the .po")
        elif compiled.gettext(message.id) != message.string:
            problems.append(f"{_label(message)}: {compiled.gettext(message.id)!r} in the .mo, {message.string!r} in the .po")
    stale = {key if isinstance(key, str) else key[0] for key in compiled._catalog} - {""} - {
        m.id if isinstance(m.id, str) else m.id[0] for m in _entries(catalogue)
    }
    problems += [f"{msgid!r}: in the .mo but no longer in the .po" for msgid in sorted(stale)]
    assert not problems, "the .mo is out of date (run tools/translations.py compile):\n" + "\n".join(problems)


# -- the running app uses it ------------------------------------------------------------------


def test_polish_strings_at_runtime(polish) -> None:
    assert i18n.language() == "pl"


def test_the_activity_status_column_shows_the_polish_statuses_whole(polish) -> None:
    from tui_crm.domain.activity import STATUSES, status_label
    from tui_crm.ui.widgets.activity_table import activity_columns

    width = next(column.width for column in activity_columns() if column.key == "status")
    assert "zakończone" in [status_label(s) for s in STATUSES]
    assert width >= max(len(status_label(s)) for s in STATUSES)
    assert i18n._("Save") == "Zapisz"
    assert i18n._("Cancel") == "Anuluj"


def test_textuals_own_key_descriptions_are_shown_in_polish(polish) -> None:
    from textual.binding import Binding

    from tui_crm.ui.commands import description

    assert description(Binding("tab", "focus_next", "Focus Next")) == "Następne pole"
    assert description(Binding("x", "y", "Not a Textual string")) == "Not a Textual string"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 kontakt"),
        (2, "2 kontakty"),
        (4, "4 kontakty"),
        (5, "5 kontaktów"),
        (12, "12 kontaktów"),
        (22, "22 kontakty"),
        (25, "25 kontaktów"),
        (0, "0 kontaktów"),
    ],
)
def test_polish_plurals(polish, n: int, expected: str) -> None:
    assert i18n.ngettext("{n} contact", "{n} contacts", n).format(n=n) == expected


def test_polish_number_and_date_formats(polish) -> None:
    assert i18n.format_number(1234567.5) == "1\u00a0234\u00a0567,5"  # no-break space groups, decimal comma
    assert i18n.format_percent(12.5) == "12,5 %"
    assert i18n.format_date(date(2026, 3, 5)) == "5 mar 2026"
    assert i18n.format_date("2026-03-05") == "5 mar 2026"


def test_back_to_english_after_polish() -> None:
    i18n.setup("pl")
    assert i18n._("Save") == "Zapisz"
    i18n.setup("en")
    assert i18n._("Save") == "Save"
    assert i18n.ngettext("{n} contact", "{n} contacts", 2) == "{n} contacts"
    assert i18n.format_number(1234567.5) == "1,234,567.5"


@pytest.fixture
def clean_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "pl_PL.UTF-8"}, "pl"),
        ({"LANG": "pl"}, "pl"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LC_MESSAGES": "pl_PL.UTF-8", "LANG": "en_GB.UTF-8"}, "pl"),
        ({"LC_ALL": "pl_PL.UTF-8", "LANG": "en_GB.UTF-8"}, "pl"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "pl_PL.UTF-8"}, "en"),
        ({"LANGUAGE": "pl", "LC_ALL": "en_GB.UTF-8"}, "pl"),
        ({"LANGUAGE": "en_GB:pl", "LANG": "pl_PL.UTF-8"}, "en"),
        ({"LANGUAGE": "pl_PL:en", "LANG": "en_GB.UTF-8"}, "pl"),
        ({"LANGUAGE": "", "LANG": "pl_PL.UTF-8"}, "pl"),
        ({"LC_ALL": "C", "LANG": "pl_PL.UTF-8"}, "en"),
        ({"LANGUAGE": "de:pl", "LANG": "de_DE.UTF-8"}, "pl"),
        ({"LANGUAGE": "pl", "LANG": "C"}, "en"),
    ],
)
def test_detect_language(clean_locale: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for var, value in env.items():
        clean_locale.setenv(var, value)
    assert i18n.detect_language() == expected


def test_setup_without_a_language_follows_the_environment(clean_locale: pytest.MonkeyPatch) -> None:
    clean_locale.setenv("LANG", "pl_PL.UTF-8")
    try:
        assert i18n.setup() == "pl"
        assert i18n._("Save") == "Zapisz"
        assert i18n.setup("xx") == "pl"  # unknown: from the environment
    finally:
        i18n.setup("en")


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in LOCALE_VARS}
    environment.update({"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8", "COLUMNS": "100"})
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def _words(text: str) -> str:
    return " ".join(text.split())


def test_cli_help_in_polish(catalogue: Catalog) -> None:
    result = _run(["-m", "tui_crm", "--lang", "pl", "--help"])
    assert result.returncode == 0, result.stderr
    out = _words(result.stdout)
    assert "Terminalowy CRM obsługiwany z klawiatury" in out
    for msgid in (
        "A keyboard-driven terminal CRM: contacts, contact persons and activities.",
        "database file (default: crm.json in the data folder)",
        "language of the interface (default: from the locale)",
        "create a database filled with Polish sample data",
    ):
        assert _words(catalogue[msgid].string) in out
        assert _words(msgid) not in out
    assert "POLECENIE" in out


def test_cli_help_follows_the_locale() -> None:
    polish = _run(["-m", "tui_crm", "--help"], LANG="pl_PL.UTF-8")
    english = _run(["-m", "tui_crm", "--lang", "en", "--help"], LANG="pl_PL.UTF-8")
    assert polish.returncode == english.returncode == 0, polish.stderr + english.stderr
    assert "Terminalowy CRM" in polish.stdout
    assert "A keyboard-driven terminal CRM" in _words(english.stdout)
    assert "Terminalowy" not in english.stdout


# -- the app, headless, in Polish --------------------------------------------------------------

#: Runs in a fresh interpreter: class-level strings (BINDINGS, TABS) are translated when their
#: module is imported, so the language must be chosen before anything from tui_crm.ui loads.
PILOT_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path

    from tui_crm import i18n

    i18n.setup(sys.argv[2])

    from textual.widgets import Footer, Input, Static
    from textual.widgets._footer import FooterKey

    from tui_crm.demo import generate_contacts
    from tui_crm.domain.contact import display_name
    from tui_crm.domain.contact_persons import ContactPersonLink
    from tui_crm.store import create_database
    from tui_crm.ui.app import CrmApp
    from tui_crm.ui.screens.contact_card import TABS, ContactCardScreen
    from tui_crm.ui.widgets.virtual_table import VirtualTable

    EXTRA = [
        {"kind": "person", "first_name": "Łukasz", "last_name": "Testowy"},
        {"kind": "organization", "name": "Lwowska Piekarnia sp. z o.o."},
        {"kind": "person", "first_name": "Lucyna", "last_name": "Testowa"},
    ]


    def screen_lines(app):
        return [strip.text for strip in app.screen._compositor.render_strips()]


    def footer(app):
        return [[key.key_display, key.description] for key in app.screen.query_one(Footer).query(FooterKey)]


    def contact_named(app, name):
        return next(i for i in app.contacts.find() if display_name(app.contacts.doc(i)) == name)


    async def card_footers(app, pilot, path, out):
        # The footer of every tab of a person's and an organization's card (each with a link and
        # a file, so that every key that can be there is), the Files tab's trash and the outbox.
        person = contact_named(app, "Łukasz Testowy")
        organization = contact_named(app, "Lwowska Piekarnia sp. z o.o.")
        app.links.link(ContactPersonLink(person, organization), author="tester")
        document = path.parent / "umowa.pdf"
        document.write_bytes(b"%PDF")
        for contact in (person, organization):
            app.attachments.attach(contact, document, "", author="tester")
        for kind, contact in (("person", person), ("organization", organization)):
            await app.push_screen(ContactCardScreen(contact))
            await pilot.pause()
            for number, (tab, _label, _todo) in enumerate(TABS, 1):
                await pilot.press(str(number))
                await pilot.pause()
                out[f"{kind}_{tab}_footer"] = footer(app)
                out[f"{kind}_{tab}_lines"] = screen_lines(app)[-1:]
            await pilot.press("t")
            await pilot.pause()
            out[f"{kind}_files_trash_footer"] = footer(app)
            out[f"{kind}_files_trash_lines"] = screen_lines(app)[-1:]
            await pilot.press("t", "escape")
            await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        out["outbox_footer"] = footer(app)
        out["outbox_lines"] = screen_lines(app)[-1:]


    async def every_focus(app, pilot):
        # (footer, last line) at each focus position (tab round to the first), each once
        first, seen = app.screen.focused, []
        for _step in range(100):
            shown = [footer(app), screen_lines(app)[-1:]]
            if shown not in seen:
                seen.append(shown)
            await pilot.press("tab")
            await pilot.pause()
            if app.screen.focused is first:
                break
        return seen


    async def menu_open(app, pilot, select, name, out):
        # the footer while a drop-down is open ("esc Dismiss menu" was left in English)
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        out[f"{name}_menu_footer"] = footer(app)
        out[f"{name}_menu_lines"] = screen_lines(app)[-1:]
        await pilot.press("escape")
        await pilot.pause()


    async def form_and_settings_footers(app, pilot, out):
        # The contact form (a row of each kind added) and the settings, at every focus position.
        for key, kind in (("n", "person"), ("o", "organization")):
            await pilot.press(key)
            await pilot.pause()
            form = app.screen
            await pilot.press("alt+p", "alt+e", "alt+a")
            await pilot.pause()
            out[f"{kind}_form_footers"] = await every_focus(app, pilot)
            await menu_open(app, pilot, form.query_one("#kind"), f"{kind}_form", out)
            await pilot.press("escape")
            await pilot.pause()
            if app.screen is not form and app.screen.query("#yes"):
                await pilot.press("y")
                await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        settings = app.screen
        out["settings_footers"] = await every_focus(app, pilot)
        await menu_open(app, pilot, settings.query_one("#smtp-security"), "settings", out)
        await pilot.press("escape")
        await pilot.pause()


    async def palette_and_help(app, pilot, out):
        # Textual's own text: the palette's prompt and commands, ctrl+p in help (f1)
        from textual.command import CommandInput, CommandList

        await pilot.press("ctrl+p")
        await pilot.pause()
        out["palette_placeholder"] = app.screen.query_one(CommandInput).placeholder
        commands = app.screen.query_one(CommandList)
        for _ in range(50):
            if commands.option_count:
                break
            await pilot.pause(0.02)
        out["palette_hits"] = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        out["help_lines"] = str(app.screen.query_one("#help-keys").render()).splitlines()
        await pilot.press("escape")
        await pilot.pause()


    async def main(path):
        create_database(path, {"contacts": generate_contacts(30) + EXTRA})
        app = CrmApp.open(path, user="tester")
        out = {}
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            table = screen.query_one(VirtualTable)
            out["list_footer"] = footer(app)
            out["list_lines"] = screen_lines(app)
            out["count"] = str(screen.query_one("#count", Static).render())
            out["filters"] = str(screen.query_one("#filters", Static).render())
            out["placeholder"] = screen.query_one("#search", Input).placeholder
            out["columns"] = [column.label for column in table.columns]
            out["names"] = [display_name(app.contacts.doc(key)) for key in table.row_keys]
            await pilot.press("enter")
            await pilot.pause()
            out["card_footer"] = footer(app)
            out["card_lines"] = screen_lines(app)
            await pilot.press("2")
            await pilot.pause()
            out["related_footer"] = footer(app)
            out["related_lines"] = screen_lines(app)
            await pilot.press("escape")
            await pilot.pause()
            await card_footers(app, pilot, path, out)
            await pilot.press("escape")  # the outbox: back to the list
            await pilot.pause()
            await form_and_settings_footers(app, pilot, out)
            await palette_and_help(app, pilot, out)
        print(json.dumps(out, ensure_ascii=False))


    asyncio.run(main(Path(sys.argv[1])))
    """
)


def _run_pilot(folder: Path, language: str) -> dict:
    script = folder / "pilot.py"
    script.write_text(PILOT_SCRIPT, encoding="utf-8")
    result = _run([str(script), str(folder / "crm.json"), language])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def polish_app(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _run_pilot(tmp_path_factory.mktemp("pilot_pl"), "pl")


@pytest.fixture(scope="module")
def english_app(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _run_pilot(tmp_path_factory.mktemp("pilot_en"), "en")


def test_pilot_list_screen_is_polish(polish_app: dict) -> None:
    footer = _footer_labels(polish_app, "list")
    assert "Szukaj" in footer and "Pomoc" in footer and "Wyjdź" in footer
    assert polish_app["count"] == "33 kontakty"
    for label in ("Wszystkie", "Osoby", "Organizacje", "Dostawcy", "Tag"):
        assert label in polish_app["filters"]
    assert polish_app["placeholder"].startswith("Szukaj: nazwa, e-mail, telefon, NIP")
    assert polish_app["columns"] == ["Nazwa", "Typ", "Telefon", "E-mail", "Miasto", "Tagi", "Opiekun"]
    rows = "\n".join(polish_app["list_lines"])
    assert " Os. " in rows and " Org. " in rows
    english = {"Search", "Help", "Quit", "contacts", "Persons", "Organizations", "Name", "Phone", "City"}
    assert not {word for word in english if re.search(rf"\b{word}\b", rows)}


def test_pilot_list_sorts_polish_letters(polish_app: dict) -> None:
    names = polish_app["names"]
    lucyna, lwowska, lukasz = (names.index(n) for n in ("Lucyna Testowa", "Lwowska Piekarnia sp. z o.o.", "Łukasz Testowy"))
    # Polish: Ł is a letter after L, so "Lw…" comes before "Łu…" (folding Ł to L would put it after "Lu…").
    assert lucyna < lwowska < lukasz
    initials = [name[0] for name in names]
    last_l = max(i for i, c in enumerate(initials) if c == "L")
    first_l_stroke = min(i for i, c in enumerate(initials) if c == "Ł")
    assert last_l < first_l_stroke


def test_pilot_card_is_polish(polish_app: dict) -> None:
    assert {"Wróć", "Edytuj", "Usuń"} <= set(_footer_labels(polish_app, "card"))
    text = "\n".join(polish_app["card_lines"])
    for word in ("Szczegóły", "Powiązane", "Notatki", "Sprzedaż i marketing", "Opiekun klienta", "Rabat"):
        assert word in text


def _footer_labels(app: dict, screen: str) -> list[str]:
    return [description for _key, description in app[f"{screen}_footer"]]


def _visible(app: dict, screen: str) -> list[str]:
    """The footer keys shown in full ("key label") on the screen's last line (80 columns)."""
    line, position, shown = app[f"{screen}_lines"][-1] + " ", 0, []
    for key, description in app[f"{screen}_footer"]:
        found = line.find(f" {key} {description} ", position)
        if found >= 0:
            shown.append(description)
            position = found + len(key) + len(description) + 2
    return shown


#: Screens whose footer must show all its keys at 80 columns, f1 Help last (PILOT_SCRIPT's names).
FOOTER_SCREENS = [
    "list",
    "outbox",
    *[f"{kind}_{tab}" for kind in ("person", "organization")
      for tab in ("details", "related", "activities", "history", "notes", "changes", "files", "files_trash")],
    "person_form_menu",  # a drop-down open
    "organization_form_menu",
    "settings_menu",
]


@pytest.mark.parametrize("screen", FOOTER_SCREENS)
def test_pilot_polish_footer_fits_80_columns(polish_app: dict, screen: str) -> None:
    """Every key of the footer is shown whole, "f1 Pomoc" last (it was cut to "f1 P", or gone)."""
    keys = polish_app[f"{screen}_footer"]
    line = polish_app[f"{screen}_lines"][-1]
    assert keys[-1] == ["f1", "Pomoc"], keys
    assert line.rstrip().endswith(" f1 Pomoc"), line
    assert _visible(polish_app, screen) == [description for _key, description in keys], line


#: Screens whose footer changes with the focus (PILOT_SCRIPT tabs through every field of each).
FOCUS_FOOTER_SCREENS = ["person_form", "organization_form", "settings"]


@pytest.mark.parametrize("screen", FOCUS_FOOTER_SCREENS)
def test_pilot_polish_footer_fits_80_columns_at_every_focus(polish_app: dict, screen: str) -> None:
    """The contact form (…  ^r Usuń wie) and the settings' permission groups (…  f1 Pomo) were cut."""
    variants = polish_app[f"{screen}_footers"]
    assert variants
    for keys, lines in variants:
        variant = {f"{screen}_footer": keys, f"{screen}_lines": lines}
        assert keys[-1] == ["f1", "Pomoc"], keys
        assert lines[-1].rstrip().endswith(" f1 Pomoc"), lines[-1]
        assert _visible(variant, screen) == [description for _key, description in keys], lines[-1]
    if screen == "settings":  # the permission groups' keys were among them
        assert any(keys[0][0] == "n" for keys, _lines in variants), variants


def _polish(catalogue: Catalog, msgid: str) -> str:
    entry = catalogue.get(msgid)
    assert entry is not None and entry.string, f"{msgid!r} has no Polish translation yet (tools/translations.py update)"
    return entry.string


def test_pilot_textuals_own_text_is_polish(polish_app: dict, catalogue: Catalog) -> None:
    """The palette's prompt and Textual's commands, ctrl+p in help, an open drop-down's footer."""
    assert polish_app["palette_placeholder"] == _polish(catalogue, "Search for commands…")
    hits = [hit.split("\n") for hit in polish_app["palette_hits"]]  # [title, help]
    titles, helps = [hit[0] for hit in hits], [hit[-1] for hit in hits]
    for msgid, help_text in (("Theme", "Change the current theme"), ("Screenshot", "Save an SVG 'screenshot' of the current screen")):
        assert _polish(catalogue, msgid) in titles and _polish(catalogue, help_text) in helps, hits
    assert not {"Theme", "Screenshot", "Keys"} & set(titles), titles
    assert ["^p", *_polish(catalogue, "palette").split()] in [line.split() for line in polish_app["help_lines"]]
    for screen in ("person_form", "settings"):
        assert ["esc", _polish(catalogue, "Close")] in polish_app[f"{screen}_menu_footer"]


@pytest.mark.parametrize("screen", ["list", "card", "related"])
def test_pilot_polish_footer_is_not_longer_than_english(polish_app: dict, english_app: dict, screen: str) -> None:
    """On an 80-column terminal the Polish footer shows at least as many keys as the English one."""
    polish, english = _visible(polish_app, screen), _visible(english_app, screen)
    assert len(polish_app[f"{screen}_footer"]) == len(english_app[f"{screen}_footer"])
    assert len(polish) >= len(english), (
        f"Polish footer labels are too long: {polish} visible, English shows {english}\n"
        f"{polish_app[f'{screen}_lines'][-1]!r}"
    )


def test_an_empty_text_stays_empty_not_the_catalogue_header() -> None:
    i18n.setup("pl")
    try:
        assert i18n._("") == "" and i18n.translate_marked("") == ""
    finally:
        i18n.setup("en")
