"""Message templates: the user's (e-mail, SMS, WhatsApp) and the program's portal e-mails.

n adds one, enter edits, d deletes (a portal e-mail goes back to its shipped text), p previews
the highlighted one against a chosen contact.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from tui_crm.domain.contact import ContactKind
from tui_crm.domain.documents import TemplateProblem
from tui_crm.domain.messages import (
    EMAIL,
    SYSTEM_KINDS,
    TEMPLATE_CHANNELS,
    MessageError,
    MessageTemplate,
    channel_label,
    render_template,
    sample_context,
)
from tui_crm.i18n import _
from tui_crm.store import StoreError

from ..widgets.footer import KeyFooter
from .compose import templates_of
from .confirm import ConfirmScreen
from .person_picker import ContactPickerScreen


class TemplatesScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("n", "new", _("New")),
        Binding("enter", "edit", _("Edit")),
        Binding("d,delete", "delete", _("Delete")),
        Binding("p", "preview", _("Preview")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[MessageTemplate] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("n adds a template, enter edits, d deletes, p previews it for a contact."), classes="hint")
        yield OptionList(id="templates-list")
        yield Static("", id="template-preview", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Message templates")
        self.watch(self.app, "data_version", self._fill, init=False)
        self._fill()

    def _fill(self) -> None:
        repository = templates_of(self.app)
        self._shown = [repository.system(kind) for kind in SYSTEM_KINDS] + repository.list()
        listed = self.query_one(OptionList)
        kept = listed.highlighted
        listed.set_options(Option(Content.assemble((f"{channel_label(t.channel):<9}", "dim"), t.name)) for t in self._shown)
        if self._shown:
            listed.highlighted = min(kept or 0, len(self._shown) - 1)
        listed.focus()

    def highlighted(self) -> MessageTemplate | None:
        index = self.query_one(OptionList).highlighted
        return self._shown[index] if index is not None and index < len(self._shown) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()

    def action_new(self) -> None:
        self.app.push_screen(TemplateEditScreen(MessageTemplate("", EMAIL, "")))

    def action_edit(self) -> None:
        template = self.highlighted()
        if template is not None:
            self.app.push_screen(TemplateEditScreen(template))

    def action_delete(self) -> None:
        template = self.highlighted()
        if template is None or template.id is None:
            return
        question = (_("Reset “{name}” to the shipped text?") if template.kind else _("Delete the template “{name}”?")).format(
            name=template.name)

        def answered(yes: bool | None) -> None:
            if yes:
                try:
                    templates_of(self.app).delete(template)
                except StoreError as error:
                    self.notify(str(error), severity="error", markup=False)

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_preview(self) -> None:
        template = self.highlighted()
        if template is None:
            return
        if template.kind:  # the portal e-mails are written to a login, not from a contact's data
            self._show_preview(template, sample_context(template.kind, operator=self.app.user))
            return

        def chosen(contact_id: int | str | None) -> None:
            contact = self.app.contacts.get(contact_id) if isinstance(contact_id, int) else None
            if contact is not None:
                from tui_crm.store.templates import context_for

                self._show_preview(template, context_for(self.app.contacts, self.app.links, contact,
                                                         operator=self.app.user, today=date.today()))

        self.app.push_screen(ContactPickerScreen(_("Preview for which contact?"), kind=ContactKind.PERSON), chosen)

    def _show_preview(self, template: MessageTemplate, context: dict) -> None:
        try:
            rendered = render_template(template, context)
        except TemplateProblem as problem:
            text = str(problem)
        else:
            text = f"{rendered.subject}\n\n{rendered.body}" if rendered.subject else rendered.body
        self.query_one("#template-preview", Static).update(text)


class TemplateEditScreen(Screen[None]):
    """One template: name, channel (a new one), subject (e-mail), text. ctrl+s saves; a template
    that does not render is refused with its line."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "app.pop_screen", _("Back")),
    ]

    def __init__(self, template: MessageTemplate) -> None:
        super().__init__()
        self.template = template

    def compose(self) -> ComposeResult:
        t = self.template
        yield Header()
        with Vertical(id="template-form"):
            with Horizontal(classes="form-line"):
                yield Static(_("Name"), classes="label")
                yield Input(t.name, id="template-name", compact=True, disabled=bool(t.kind))
            with Horizontal(classes="form-line"):
                yield Static(_("Channel"), classes="label")
                yield Select([(channel_label(c), c) for c in TEMPLATE_CHANNELS], value=t.channel, allow_blank=False,
                             id="template-channel", compact=True, disabled=t.id is not None or bool(t.kind))
            with Horizontal(classes="form-line", id="template-subject-line"):
                yield Static(_("Subject"), classes="label")
                yield Input(t.subject, id="template-subject", compact=True)
            yield TextArea(t.body, id="template-body")
            yield Static(_("Variables: contact, organization, primary_contact (.name .first_name .last_name .email "
                           ".phone), operator, today|date."), classes="hint")
            yield Static("", id="template-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Template") if self.template.id is None and not self.template.kind else self.template.name
        self._show_subject(self.template.channel)
        self.query_one("#template-name" if not self.template.kind else "#template-body").focus()

    @on(Select.Changed, "#template-channel")
    def _channel_changed(self, event: Select.Changed) -> None:
        self._show_subject(str(event.value))

    def _show_subject(self, channel: str) -> None:
        """Only an e-mail has a subject: SMS and chats are the text alone."""
        self.query_one("#template-subject-line").display = channel == EMAIL

    def action_save(self) -> None:
        edited = MessageTemplate.from_doc(self.template.to_doc(), self.template.id)
        edited.name = self.query_one("#template-name", Input).value.strip()
        edited.channel = str(self.query_one("#template-channel", Select).value)
        edited.subject = self.query_one("#template-subject", Input).value.strip() if edited.channel == EMAIL else ""
        edited.body = self.query_one("#template-body", TextArea).text
        try:
            templates_of(self.app).save(edited, author=self.app.user)
        except (MessageError, TemplateProblem, StoreError) as error:
            self.query_one("#template-status", Static).update(str(error))
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False, timeout=10)
            return
        self.app.clear_notifications()  # an earlier refusal is answered now
        self.notify(_("Template saved."))
        self.app.pop_screen()
