"""Shared fixtures: every test gets its own database files under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_crm import i18n
from tui_crm.store import ContactRepository, Database


@pytest.fixture(autouse=True)
def english() -> None:
    i18n.setup("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "crm.json"


@pytest.fixture
def repo(db_path: Path) -> ContactRepository:
    return ContactRepository(Database(db_path))

