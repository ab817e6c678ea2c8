"""Shared fixtures: every test gets its own database files under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# CI runs on a busy 2-core machine: timing-based health checks and deadlines would make
# property tests flaky without telling us anything about the code.
settings.register_profile("tui-crm", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tui-crm")

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

