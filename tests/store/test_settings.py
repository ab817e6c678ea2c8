"""Settings are shared through the database file and survive a reopen."""

from __future__ import annotations

from pathlib import Path

from tui_crm.store import Database
from tui_crm.store.settings import SettingsRepository


def test_settings_round_trip_and_reach_other_sessions(db_path: Path) -> None:
    mine, theirs = SettingsRepository(Database(db_path)), SettingsRepository(Database(db_path))
    assert mine.get("default_permissions", ["invoices"]) == ["invoices"]
    mine.set("default_permissions", ["support", "projects"], author="anna")
    mine.set("templates_folder", "/srv/szablony", author="anna")
    mine.set("default_permissions", ["support"], author="anna")
    theirs.database.poll()
    assert theirs.get("default_permissions") == ["support"]
    assert SettingsRepository(Database(db_path)).get("templates_folder") == "/srv/szablony"
    assert len(Database(db_path).table("settings")) == 2
