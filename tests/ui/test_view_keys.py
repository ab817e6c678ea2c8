"""The f-key views replace each other instead of piling up."""

from __future__ import annotations

from tui_crm.ui.screens.activity_list import ActivityListScreen
from tui_crm.ui.screens.calendar import CalendarScreen
from tui_crm.ui.screens.contact_list import ContactListScreen


async def test_switching_between_views_keeps_one_escape_from_the_list(ui, db_path, make_app) -> None:
    app = make_app(db_path)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.pause()
        for key in ("f4", "f5", "f4", "f5", "f6", "f5"):
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, CalendarScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ContactListScreen)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ActivityListScreen) and len(app.screen_stack) == 3  # default, list, view
