"""Actions the operator's permission group does not allow are refused with the seed's message."""

from __future__ import annotations

from factories import admins_group

from tui_crm.domain.permissions import EVERYONE, PermissionGroup
from tui_crm.store import ContactRepository, Database
from tui_crm.store.dictionaries import DictionaryRepository
from tui_crm.store.permissions import PermissionRepository
from tui_crm.store.settings import SettingsRepository


def restrict(path, **groups) -> None:
    permissions = PermissionRepository(SettingsRepository(Database(path)))
    permissions.change(lambda _old: [PermissionGroup(EVERYONE, (), frozenset(groups.get("everyone", ()))),
                                     admins_group()], author="admin")


async def test_deleting_a_contact_needs_the_delete_permission(ui, sample_db, make_app) -> None:
    restrict(sample_db, everyone=())
    app = make_app(sample_db)
    before = ContactRepository(Database(sample_db)).count()
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert any("Delete contacts" in n and "Permission groups" in n for n in ui.notifications(app))
        assert app.screen.__class__.__name__ == "ContactListScreen"
    assert ContactRepository(Database(sample_db)).count() == before


async def test_editing_dictionaries_needs_its_permission(ui, db_path, make_app) -> None:
    restrict(db_path, everyone=("delete",))
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("tab", "n")
        await pilot.pause()
        assert any("Edit dictionaries" in n for n in ui.notifications(app))
        assert app.screen.__class__.__name__ == "DictionariesScreen"
    assert len(DictionaryRepository(Database(db_path)).entries("activity_kind")) == 5  # the defaults only
