"""The templates screen (F3, t): a bad template is refused with its line; a good one fills compose."""

from __future__ import annotations

from textual.widgets import Input, Select, Static, TextArea

from tui_crm.store.templates import TemplateRepository
from tui_crm.ui.screens.compose import ComposeScreen
from tui_crm.ui.screens.contact_card import ContactCardScreen
from tui_crm.ui.screens.templates import TemplateEditScreen, TemplatesScreen


async def test_a_template_is_refused_with_its_line_then_saved_and_used_to_compose(ui, make_app, sample_db, sample_ids) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("f3", "t")
        assert isinstance(app.screen, TemplatesScreen)
        shown = "\n".join(ui.screen_lines(app))
        assert "Welcome e-mail (portal)" in shown and "Set-password e-mail (portal)" in shown
        await pilot.press("n")
        assert isinstance(app.screen, TemplateEditScreen)
        await ui.fill(pilot, "#template-name", "Oferta")
        await ui.fill(pilot, "#template-subject", "Oferta dla {{ contact.first_name }}")
        body = app.screen.query_one("#template-body", TextArea)
        body.text = "Dzień dobry {{ contact.first_name }},\n{{ contact.nickname }}\n"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TemplateEditScreen)
        status = ui.static_text(app.screen.query_one("#template-status", Static))
        assert "line 2" in status and "nickname" in status

        body.text = "Dzień dobry {{ contact.first_name }},\npozdrawia {{ operator }}\n"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TemplatesScreen)
        await pilot.press("escape", "escape")

        app.push_screen(ContactCardScreen(sample_ids["Łukasz Wójcik"]))
        await pilot.pause()
        await pilot.press("s", "1")
        assert isinstance(app.screen, ComposeScreen)
        [template] = TemplateRepository(app.database).list("email")
        app.screen.query_one("#compose-template", Select).value = template.id
        await pilot.pause()
        assert app.screen.query_one("#compose-subject", Input).value == "Oferta dla Łukasz"
        assert app.screen.query_one("#compose-body", TextArea).text == f"Dzień dobry Łukasz,\npozdrawia {ui.USER}\n"

    [stored] = TemplateRepository(ui.reopen(sample_db).database).list()
    assert (stored.name, stored.channel, stored.updated_by) == ("Oferta", "email", ui.USER)


async def test_only_an_email_template_has_a_subject_and_a_fixed_template_clears_the_refusal(
        ui, make_app, sample_db) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("f3", "t", "n")
        screen = app.screen
        assert isinstance(screen, TemplateEditScreen)
        subject_line = screen.query_one("#template-subject-line")
        assert subject_line.display  # a new template starts as an e-mail
        screen.query_one("#template-channel", Select).value = "sms"
        await pilot.pause()
        assert not subject_line.display
        await ui.fill(pilot, "#template-name", "Przypomnienie")
        body = screen.query_one("#template-body", TextArea)
        body.text = "Jutro o 10:00 {{ contact.first_name "
        await pilot.press("ctrl+s")
        assert "line 1" in ui.static_text(screen.query_one("#template-status", Static))
        assert any("Not saved" in n or "line 1" in n for n in ui.notifications(app))
        body.text = "Jutro o 10:00, {{ contact.first_name }}."
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TemplatesScreen)
        assert ui.notifications(app) == ["Template saved."]
    [stored] = [t for t in TemplateRepository(ui.reopen(sample_db).database).list("sms") if t.name == "Przypomnienie"]
    assert stored.subject == ""
