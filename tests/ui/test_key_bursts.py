"""Keys that arrive in one burst (a fast typist over SSH, a paste of keystrokes) are handled in
order: a tab among letters moves the focus before the letters after it are typed."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tui_crm.ui.screens.contact_form import ContactFormScreen


def burst(app, keys: list[str]) -> None:
    """Post every key at once, as the terminal driver does with one read of several bytes."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)


async def test_a_tab_typed_between_letters_in_one_burst_moves_on_before_the_next_letters(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        burst(app, ["J", "a", "n", "tab", "K", "o", "s", "shift+tab"])
        for _ in range(5):
            await pilot.pause()
        assert form.query_one("#first_name", Input).value == "Jan"
        assert form.query_one("#last_name", Input).value == "Kos"
        assert form.query_one("#first_name", Input).has_focus
