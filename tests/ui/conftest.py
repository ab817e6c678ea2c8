"""Fixtures and helpers for driving the real CrmApp headless with Pilot.

Every app runs on its own database file under ``tmp_path``; tests check what the widgets show
and, afterwards, what a *fresh* repository reads back from the file (``reopen``), so a change
that only lived in memory is caught.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from factories import make_org, make_person
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tui_crm.demo import generate_contacts
from tui_crm.domain.contact import Address, Contact, Email, Phone
from tui_crm.store import ContactRepository, Database, create_database

USER = "tester"
SIZE = (80, 24)
DEMO_COUNT = 40

#: Valid Polish NIPs (check digit right); written with dashes where the form should normalize.
NIP_OK = "1234563218"
NIP_OK_DASHED = "526-025-02-74"
NIP_BAD = "1234563219"


def reopen(path: Path) -> ContactRepository:
    """A new repository on the file: what another program would read from disk now."""
    return ContactRepository(Database(path))


def by_name(repo: ContactRepository, name: str) -> Contact:
    matches = [c for c in map(repo.get, _all_ids(repo)) if c is not None and c.display_name == name]
    assert len(matches) == 1, f"expected one contact named {name!r}, found {len(matches)}"
    return matches[0]


def _all_ids(repo: ContactRepository) -> list[int]:
    return [i for i, _doc in repo.database.table("contacts").raw_items()]


def live_names(repo: ContactRepository) -> set[str]:
    return {c.display_name for c in map(repo.get, repo.find())}


# -- widgets -------------------------------------------------------------------------------


def static_text(widget: Static) -> str:
    """The plain text a Static shows (its content, not the markup)."""
    return str(widget.render())


def count_label(app) -> str:
    return static_text(app.screen.query_one("#count", Static))


def shown_ids(app) -> list[int]:
    from tui_crm.ui.widgets.virtual_table import VirtualTable

    return list(app.screen.query_one(VirtualTable).row_keys)


def shown_names(app) -> list[str]:
    return [app.contacts.get(i).display_name for i in shown_ids(app)]


def cursor_name(app) -> str | None:
    from tui_crm.ui.widgets.virtual_table import VirtualTable

    key = app.screen.query_one(VirtualTable).cursor_key
    return None if key is None else app.contacts.get(key).display_name


def screen_lines(app) -> list[str]:
    """What the terminal shows, composited (private API: Textual has no public text export)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` character by character (spaces, Polish letters and all), in one burst.

    The same key events as ``pilot.press(*text)``, but ``pilot.press`` waits for the app to go
    idle after every key (~45 ms or more each), which made typing most of the run time. The
    keys are still handled one by one, in order, by the focused widget, as when a quick typist
    types. Only for printable text: Textual runs bound keys (end, ctrl+u, …) as actions *after*
    the plain characters already queued, so a burst mixing both would be reordered.
    """
    app = pilot.app
    for char in text:
        event = events.Key(char if char.isalnum() else _character_to_key(char), char)
        event.set_sender(app)
        app.post_message(event)
    await pilot.pause()  # the app forwards the keys to the focused widget...
    await pilot.pause()  # ...which handles them (and posts Changed messages)...
    await pilot.pause()  # ...which the screen handles


async def fill(pilot: Pilot, selector: str, text: str) -> None:
    """Focus the input ``selector`` on the current screen, clear it (end, ctrl+u), type ``text``."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()  # queued before the keys below, so they go to this input
    await pilot.press("end", "ctrl+u")
    assert widget.has_focus and widget.value == ""
    await type_text(pilot, text)
    assert widget.value == text


def folded(text: str) -> str:
    """Independent of the app's ``fold``: lower case, no Polish diacritics."""
    text = text.casefold().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# -- data ----------------------------------------------------------------------------------


def sample_contacts() -> list[Contact]:
    """Four hand-made contacts whose order, kinds, tags and cities the tests rely on."""
    return [
        make_person(
            "Łukasz",
            "Wójcik",
            position="Kierownik zakupów",
            phones=[Phone("+48601234567", "mobile", whatsapp=True), Phone("+48221234567", "work", note="9–12")],
            emails=[Email("lukasz.wojcik@example.pl", consent=True)],
            addresses=[Address("ul. Piotrkowska 100", "90-001", "Łódź", "PL")],
            tags=["VIP"],
            consents={"email": "2025-03-01"},
            account_manager="anna",
        ),
        make_org(
            "Zakład Ślusarski Żuraw",
            nip=NIP_OK,
            supplier=True,
            phones=[Phone("+48612345678", "work")],
            emails=[Email("biuro@zuraw.example.pl")],
            addresses=[Address("ul. Długa 5", "61-001", "Poznań", "PL")],
            tags=["hurt", "VIP"],
        ),
        make_person(
            "Anna",
            "Nowak",
            phones=[Phone("+48501000111", "mobile")],
            emails=[Email("anna.nowak@example.com")],
            tags=["hurt"],
        ),
        make_org("Alfa Sp. z o.o.", nip="5260250274", addresses=[Address("Rynek 1", "50-001", "Wrocław", "PL")]),
    ]


def seed(path: Path, contacts: list[Contact]) -> dict[str, int]:
    """Save ``contacts`` through the repository (validated, journaled); name -> id."""
    repo = reopen(path)
    ids = {}
    for contact in contacts:
        saved = repo.save(contact, author="seed")
        ids[saved.display_name] = saved.id
    return ids


@pytest.fixture(autouse=True)
def _private_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crashing app writes its crash log under XDG_STATE_HOME: keep that out of the real home."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


#: This very module, taken while it is being imported: pytest names every conftest "conftest",
#: so ``sys.modules["conftest"]`` may later be another one.
_THIS_MODULE = sys.modules[__name__]


@pytest.fixture
def ui():
    """This module, as a namespace of helpers (test modules cannot import a conftest reliably)."""
    return _THIS_MODULE


@pytest.fixture
def sample_db(db_path: Path) -> Path:
    seed(db_path, sample_contacts())
    return db_path


@pytest.fixture
def sample_ids(sample_db: Path) -> dict[str, int]:
    repo = reopen(sample_db)
    return {c.display_name: c.id for c in map(repo.get, repo.find())}


@pytest.fixture
def demo_docs() -> list[dict]:
    return generate_contacts(DEMO_COUNT)


@pytest.fixture
def demo_db(tmp_path: Path, demo_docs: list[dict]) -> Path:
    path = tmp_path / "demo.json"
    create_database(path, {"contacts": demo_docs})
    return path


@pytest.fixture
def make_app() -> Callable:
    from tui_crm.ui.app import CrmApp

    def build(path: Path, user: str = USER) -> CrmApp:
        app = CrmApp.open(path, user=user)
        app.animation_level = "none"  # Pilot waits for animations (tab underline) after each key
        return app

    return build
