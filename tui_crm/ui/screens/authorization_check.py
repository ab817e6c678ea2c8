"""Quick authorization check at the desk: may this person collect mail or represent the company?

Type part of a name: each matching person linked to an organization is listed with that
organization and a plain YES/NO for "may collect mail" and "may represent", the contact-person
flag and the additional information. Persons who belong to no organization are authorized for
nothing, and the screen says how many of them matched.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.contact import ContactKind
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.i18n import _, ngettext
from tui_crm.store import ContactQuery

from ..widgets.footer import KeyFooter
from .contact_person_form import contact_name, role_label

MAX_HITS = 50


def answer(flag: bool) -> Content:
    return Content.styled(_("YES"), "bold $text-success") if flag else Content.styled(_("NO"), "bold $text-error")


def authorization_lines(app, link: ContactPersonLink) -> Content:
    """The check's answer for one linked person, in two or three lines."""
    head = [(contact_name(app, link.person_id), "bold"), " — ", contact_name(app, link.organization_id)]
    if link.role:
        head.append(f" ({role_label(app, link.role)})")
    lines = [
        Content.assemble(*head),
        Content.assemble(
            "  ", _("Collect mail:"), " ", answer(link.may_collect_mail),
            "   ", _("Represent:"), " ", answer(link.may_represent),
            "   ", _("Contact person:"), " ", answer(link.contact_person),
        ),
    ]
    if link.info:
        lines.append(Content.assemble("  ", (_("Info:"), "bold"), " ", link.info))
    return Content("\n").join(lines)


class AuthorizationCheckScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("down", "move(1)", _("Next"), show=False),
        Binding("up", "move(-1)", _("Previous"), show=False),
        Binding("enter", "open_card", _("Open card"), priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Check authorization: type part of a person's name…"), id="auth-search")
        yield Static("", id="auth-summary", markup=False)
        yield OptionList(id="auth-results")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Check authorization")
        self.query_one("#auth-search", Input).focus()
        self._search("")

    @on(Input.Changed, "#auth-search")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, text: str) -> None:
        results = self.query_one("#auth-results", OptionList)
        text = text.strip()
        if not text:
            results.clear_options()
            self.query_one("#auth-summary", Static).update(_("Type part of a person's name."))
            return
        linked: list[ContactPersonLink] = []
        unlinked = 0
        for person_id in self.app.contacts.find(ContactQuery(text=text, kind=ContactKind.PERSON)):
            link = self.app.links.of_person(person_id)
            if link is None:
                unlinked += 1
            elif len(linked) < MAX_HITS:
                linked.append(link)
        options: list[Option | None] = []
        for link in linked:
            options += [Option(authorization_lines(self.app, link), id=str(link.person_id)), None]
        results.set_options(options[:-1])
        if linked:
            results.highlighted = 0
        summary = (
            ngettext("{n} person of an organization matches.", "{n} persons of organizations match.", len(linked)).format(n=len(linked))
            if linked
            else _("No person of an organization matches.")
        )
        if unlinked:
            summary += " " + ngettext(
                "{n} other person matches but belongs to no organization: not authorized.",
                "{n} other persons match but belong to no organization: not authorized.",
                unlinked,
            ).format(n=unlinked)
        self.query_one("#auth-summary", Static).update(summary)

    def action_move(self, step: int) -> None:
        results = self.query_one("#auth-results", OptionList)
        results.action_cursor_down() if step > 0 else results.action_cursor_up()

    def action_open_card(self) -> None:
        from .contact_card import ContactCardScreen

        option = self.query_one("#auth-results", OptionList).highlighted_option
        if option is not None and option.id:
            self.app.push_screen(ContactCardScreen(int(option.id), tab="related"))

    @on(OptionList.OptionSelected, "#auth-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_card()
