"""Documents of an organization: pick a template, generate it with the organization's data
(and its representative's), and see the documents generated so far (seed 000)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_crm.domain.contact import Contact
from tui_crm.domain.documents import TemplateProblem, build_context, list_templates
from tui_crm.i18n import _, format_datetime
from tui_crm.store import StoreError
from tui_crm.store.documents import (
    DOCUMENTS_FOLDER,
    TEMPLATES_FOLDER,
    DocumentRepository,
    documents_folder,
    templates_folder,
)

from ..widgets.footer import KeyFooter


class TemplateList(OptionList):
    """The templates; enter generates the highlighted one (and says so in the footer)."""

    BINDINGS = [Binding("enter", "select", _("Generate"))]


class FolderScreen(ModalScreen[Path | None]):
    """Ask for a folder; dismisses with an existing folder, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", _("Cancel"))]

    def __init__(self, title: str, current: Path) -> None:
        super().__init__()
        self._title = title
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, markup=False, classes="title")
            yield Input(str(self._current), id="folder")
            yield Static("", id="folder-error", classes="error", markup=False)
            yield Static(_("enter saves, escape cancels"), classes="empty", markup=False)
        yield KeyFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        folder = Path(text).expanduser() if text else None
        if folder is None or not folder.is_dir():
            message = _("There is no folder {path}.").format(path=text) if text else _("Type the path of a folder.")
            self.query_one("#folder-error", Static).update(message)
            return
        self.dismiss(folder.resolve())


class DocumentsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("Back")),
        Binding("f", "change_folder('templates')", _("Templates folder")),
        Binding("o", "change_folder('documents')", _("Output folder")),
        Binding("r", "reload", _("Reload"), show=False),
    ]

    def __init__(self, organization_id: int) -> None:
        super().__init__()
        self.organization_id = organization_id
        self._templates: list[Path] = []
        self._templates_folder: Path | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="documents-title", markup=False)
        yield Static("", id="templates-folder", markup=False)
        yield Static("", id="documents-folder", markup=False)
        yield Static(_("Templates (enter generates a document)"), classes="section", markup=False)
        yield TemplateList(id="templates")
        yield Static(_("Generated documents"), classes="section", markup=False)
        yield OptionList(id="generated")
        yield KeyFooter()

    @property
    def documents(self) -> DocumentRepository:
        """The app's repository once it has one; a repository holds no state, so one per use is fine."""
        return getattr(self.app, "documents", None) or DocumentRepository(self.app.database)

    @property
    def organization(self) -> Contact | None:
        contact = self.app.contacts.get(self.organization_id)
        return None if contact is None or contact.is_person else contact

    def on_mount(self) -> None:
        self.watch(self.app, "data_version", self._refresh, init=False)
        self._refresh()
        self.query_one(TemplateList).focus()

    def on_screen_resume(self) -> None:
        self.action_reload()

    # -- showing ---------------------------------------------------------------------------

    def _refresh(self) -> None:
        organization = self.organization
        if organization is None:
            self.notify(_("This organization no longer exists."), severity="warning")
            self.app.pop_screen()
            return
        self.query_one("#documents-title", Static).update(
            _("Documents of {name}").format(name=organization.display_name)
        )
        folder = templates_folder(self.app.settings)
        if folder != self._templates_folder:
            self._fill_templates(folder)
        output = documents_folder(self.app.settings, self.app.database)
        self.query_one("#documents-folder", Static).update(_("Saved to: {path}").format(path=output))
        self._fill_generated()

    def _fill_templates(self, folder: Path) -> None:
        self._templates_folder = folder
        self.query_one("#templates-folder", Static).update(_("Templates from: {path}").format(path=folder))
        options = self.query_one(TemplateList)
        previous = self._highlighted_template()
        self._templates = list_templates(folder)
        options.clear_options()
        if not self._templates:
            empty = (_("No templates (.txt, .md, .html) in this folder; f chooses another.")
                     if folder.is_dir() else _("The templates folder does not exist; f chooses another."))
            options.add_option(Option(Content(empty), disabled=True))
            return
        options.add_options(Option(Content(path.name), id=str(i)) for i, path in enumerate(self._templates))
        names = [path.name for path in self._templates]
        options.highlighted = names.index(previous.name) if previous and previous.name in names else 0

    def _fill_generated(self) -> None:
        options = self.query_one("#generated", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        documents = self.documents.of_organization(self.organization_id)
        if not documents:
            options.add_option(Option(Content(_("No documents generated for this organization yet.")), disabled=True))
            return
        for document in documents:
            first = f"{format_datetime(document.created_at)}  {document.template}  {document.created_by}"
            if not Path(document.path).exists():
                first += "  " + _("(file missing)")
            options.add_option(Option(Content(f"{first}\n{document.path}"), id=str(document.id)))
        options.highlighted = min(highlighted or 0, len(documents) - 1)

    def _highlighted_template(self) -> Path | None:
        index = self.query_one(TemplateList).highlighted
        return self._templates[index] if index is not None and index < len(self._templates) else None

    # -- actions ---------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "templates" and event.option.id is not None:
            event.stop()
            self.generate(self._templates[int(event.option.id)])

    def generate(self, template: Path) -> None:
        """Render ``template`` for the organization into the documents folder, and record it."""
        organization = self.organization
        if organization is None:
            return
        app = self.app
        links = app.links.of_organization(organization.id)
        persons = {link.person_id: app.contacts.get(link.person_id) for link in links}
        context = build_context(organization, links, {i: p for i, p in persons.items() if p}, app.user, date.today())
        try:
            document = self.documents.generate(
                organization.id,
                template,
                documents_folder(app.settings, app.database),
                context,
                author=app.user,
                create_folder=not app.settings.get(DOCUMENTS_FOLDER),  # the default folder is made when needed
            )
        except TemplateProblem as problem:
            self.notify(str(problem), title=_("Template error: nothing was written"), severity="error", markup=False, timeout=20)
            return
        except StoreError as error:
            self.notify(str(error), title=_("Not written"), severity="error", markup=False, timeout=20)
            return
        self.notify(_("Document written: {path}").format(path=document.path), markup=False, timeout=10)
        self._fill_generated()
        self.query_one("#generated", OptionList).highlighted = 0

    def action_reload(self) -> None:
        self._templates_folder = None
        self._refresh()

    def action_change_folder(self, which: str) -> None:
        settings = self.app.settings
        if which == "templates":
            key, title, current = TEMPLATES_FOLDER, _("Folder with the templates:"), templates_folder(settings)
        else:
            key, title, current = DOCUMENTS_FOLDER, _("Folder the documents are written to:"), documents_folder(settings, self.app.database)

        def chosen(folder: Path | None) -> None:
            if folder is None:
                return
            try:
                settings.set(key, str(folder), author=self.app.user)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.action_reload()

        self.app.push_screen(FolderScreen(title, current), chosen)
