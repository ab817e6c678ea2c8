"""The activity form (contact, meeting, task) with its timer, persons and follow-up (seed 002).

The counterparty is an organization, and only its contact persons can be added, so adding one
is refused, with the reason, until it is chosen; or a private client (a person of no
organization), who then is the one person taking part, fixed. The timer runs from the moment
the form opens (ctrl+t pauses and resumes it) and its time is saved as the duration. A completed activity
opens read-only until it is reopened (alt+r). Saving with "next contact in …" creates the
follow-up in the same write; alt+n / alt+w open the next / previous activity of the chain.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from tui_crm.domain import dictionaries as d
from tui_crm.domain.activity import (
    ACTIVITY_TYPES,
    CONTACT,
    Activity,
    person_choice_blocked,
    to_utc_text,
    type_label,
    validate_activity,
)
from tui_crm.domain.activity_form_rules import (
    follow_up_moment,
    next_quarter_hour,
    persons_kept,
)
from tui_crm.domain.changes import reapply_edit
from tui_crm.domain.contact import ContactKind
from tui_crm.domain.schedule import (
    DAYS,
    UNITS,
    Stopwatch,
    format_duration,
    format_wall_time,
    parse_wall_time,
    unit_label,
)
from tui_crm.domain.validation import FieldError
from tui_crm.i18n import _
from tui_crm.store import ConflictError, StoreError
from tui_crm.store.activities import ENTITY as ACTIVITY_ENTITY
from tui_crm.store.activities import InvalidActivityError, LockedActivityError

from ..activity_details import activity_field_label, activity_value
from ..unsaved import GuardsUnsavedChanges
from ..widgets.footer import KeyFooter
from .confirm import ConfirmScreen
from .contact_person_form import contact_name, role_label
from .person_picker import ContactPickerScreen
from .record_history import RecordHistoryScreen

#: Fields that can show an error line under them, and the widget that takes the focus for it.
ERROR_FIELDS = {
    "type": "#type",
    "planned_at": "#planned_at",
    "counterparty_id": "#counterparty",
    "person_ids": "#add-person",
    "employee": "#employee",
    "follow_up": "#follow-amount",
    "duration_seconds": None,
}

#: Every widget that edits the activity: all of them are disabled while it is completed.
EDITABLE = ("#type", "#planned_at", "#counterparty", "#add-person", "#persons", "#employee", "#kind", "#priority",
            "#category", "#subject", "#note", "#follow-up", "#follow-amount", "#follow-unit", "#follow-on",
            "#in_calendar", "#completed")

#: Dictionary fields: (field, dictionary, preferred default key for a new activity).
DICTIONARY_FIELDS = (
    ("kind", d.ACTIVITY_KINDS, "phone"),
    ("priority", d.ACTIVITY_PRIORITIES, "normal"),
    ("category", d.ACTIVITY_CATEGORIES, None),
)


class PersonList(OptionList):
    """The contact persons taking part; delete or minus removes the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,minus", "screen.remove_person", _("Remove person"), show=False),  # the hint line says so
        Binding("plus,insert", "screen.add_person", _("Add person"), show=False),
    ]


class ActivityFormScreen(GuardsUnsavedChanges, Screen[int | None]):
    """Dismisses with the saved activity's id, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", _("Save"), priority=True),
        Binding("escape", "cancel", _("Back")),
        # priority: keys typed into an input would otherwise never reach the screen
        Binding("ctrl+t", "toggle_timer", _("Start/Pause"), priority=True),
        Binding("alt+c", "choose_counterparty", _("Counterparty"), priority=True),
        Binding("alt+p", "add_person", _("+Person"), priority=True),
        Binding("alt+r", "reopen", _("Reopen"), priority=True),
        # when reopening does not apply, the key must still be taken, or the input would get "r"
        Binding("alt+r", "not_completed", _("Reopen"), show=False, priority=True),
        Binding("alt+n", "open_linked('next')", _("Next activity"), show=False, priority=True),
        # not alt+b: terminals send it as ESC b, which Textual reads as ctrl+left
        Binding("alt+w", "open_linked('previous')", _("Previous activity"), show=False, priority=True),
        Binding("alt+h", "history", _("Field history"), show=False, priority=True),
    ]

    def __init__(self, activity_id: int | None = None, *, counterparty_id: int | None = None,
                 person_id: int | None = None, activity_type: str = CONTACT,
                 planned_at: datetime | None = None, employee: str | None = None, in_calendar: bool = False,
                 clock: Callable[[], float] | None = None) -> None:
        """``planned_at``, ``employee``, ``in_calendar``: defaults for a new activity (e.g. from a
        calendar day); ``clock`` (seconds, monotonic) drives the timer; tests pass their own."""
        super().__init__()
        self._planned_arg, self._employee_arg, self._in_calendar_arg = planned_at, employee, in_calendar
        self._activity_id = activity_id
        self._counterparty_arg = counterparty_id
        self._person_arg = person_id
        self._type_arg = activity_type if activity_type in ACTIVITY_TYPES else CONTACT
        self._clock = clock or time.monotonic
        self._original = Activity()
        self._counterparty_id: int | None = None
        self._person_ids: list[int] = []
        self._read_only = False
        self._missing = False
        self._warnings: list[str] = []
        self._baseline: dict[str, Any] | None = None
        self._stopwatch: Stopwatch | None = None  # started in compose, when the form opens

    # -- loading ---------------------------------------------------------------------------

    def _load(self) -> Activity:
        """The activity to show: the stored one, or a new one with the defaults."""
        app = self.app
        if self._activity_id is not None:
            stored = app.activities.get(self._activity_id)
            if stored is None or stored.deleted_at:
                self._missing = True
                stored = Activity(id=self._activity_id)
            self._original = stored
            self._counterparty_id, self._person_ids = stored.counterparty_id, list(stored.person_ids)
            self._read_only = stored.completed
            # an existing activity's timer continues from its saved time, paused until ctrl+t
            self._stopwatch = Stopwatch(self._clock, running=False, already=stored.duration_seconds)
            return stored
        self._stopwatch = Stopwatch(self._clock)
        self._counterparty_id, self._person_ids = self._starting_participants()
        self._original = Activity(
            type=self._type_arg,
            planned_at=to_utc_text(self._planned_arg or next_quarter_hour(datetime.now(UTC), app.zone)),
            employee=self._employee_arg or app.user,
            in_calendar=self._in_calendar_arg,
            **{field: self._default_key(name, preferred) for field, name, preferred in DICTIONARY_FIELDS},
        )
        return self._original

    def _default_key(self, dictionary: str, preferred: str | None) -> str:
        if preferred is None:
            return ""
        live = d.choices(self.app.dictionaries.entries(dictionary))
        keys = [entry.key for entry in live]
        return preferred if preferred in keys else (keys[0] if keys else "")

    def _starting_participants(self) -> tuple[int | None, list[int]]:
        """The counterparty and persons a new activity starts with, from where it was opened:
        a contact person brings their organization; a private client is the counterparty and
        takes part alone; an organization brings its primary contact."""
        app = self.app
        counterparty, person = self._counterparty_arg, self._person_arg
        if counterparty is not None:
            doc = app.contacts.doc(counterparty)
            if doc is None or doc.get("deleted_at"):
                counterparty = None
            elif doc.get("kind") != ContactKind.ORGANIZATION.value:
                counterparty, person = None, person if person is not None else counterparty
        if person is not None and counterparty is None:
            if app.activities.is_private_client(person):
                return person, [person]
            counterparty = app.activities.organization_of(person)
            if counterparty is None:  # in the trash meanwhile: nothing to fill in
                return None, []
        if counterparty is None:
            return None, []
        allowed = app.activities.persons_of(counterparty)
        if person is not None:
            if person in allowed:
                return counterparty, [person]
            self._warnings.append(_("“{person}” is not a contact person of “{organization}”, so was not added.").format(
                person=contact_name(app, person), organization=contact_name(app, counterparty)))
            return counterparty, []
        primary = app.links.primary_of(counterparty)
        return counterparty, [primary.person_id] if primary and primary.person_id in allowed else []

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        activity = self._load()
        yield Header()
        with VerticalScroll(id="activity-form"):
            yield Static("", id="read-only-note", markup=False)
            with Horizontal(classes="form-line"):
                yield Label(_("Type"), classes="label")
                yield Select([(type_label(t), t) for t in ACTIVITY_TYPES], allow_blank=False, id="type", compact=True,
                             value=activity.type if activity.type in ACTIVITY_TYPES else CONTACT)
                yield Label(_("Planned"), classes="label-inline")
                yield Input(format_wall_time(activity.planned(), self.app.zone), id="planned_at",
                            placeholder="YYYY-MM-DD HH:MM", compact=True)
                yield Static("", id="timer", markup=False)
            yield from self._error_lines("type", "planned_at")
            with Horizontal(classes="form-line"):
                yield Label(_("Counterparty"), classes="label")
                yield Button("", id="counterparty", compact=True)
            yield from self._error_lines("counterparty_id")
            with Horizontal(classes="form-line"):
                yield Label(_("Persons"), classes="label")
                yield Button(_("+ Add (alt+p)"), id="add-person", compact=True)
                yield Static("", id="persons-hint", markup=False)
            yield PersonList(id="persons")
            yield from self._error_lines("person_ids")
            with Horizontal(classes="form-line"):
                yield Label(_("Employee"), classes="label")
                yield Select(self._employee_options(activity.employee), value=activity.employee or Select.NULL,
                             allow_blank=False, id="employee", compact=True)
                yield Label(_("Kind"), classes="label-inline")
                yield self._dictionary_select("kind", d.ACTIVITY_KINDS, activity.kind)
            yield from self._error_lines("employee")
            with Horizontal(classes="form-line"):
                yield Label(_("Priority"), classes="label")
                yield self._dictionary_select("priority", d.ACTIVITY_PRIORITIES, activity.priority)
                yield Label(_("Category"), classes="label-inline")
                yield self._dictionary_select("category", d.ACTIVITY_CATEGORIES, activity.category)
            with Horizontal(classes="form-line"):
                yield Label(_("Subject"), classes="label")
                yield Input(activity.subject, id="subject", placeholder=_("optional, a few words"), compact=True)
            with Horizontal(classes="form-line"):
                yield Label(_("Note"), classes="label")
                yield TextArea(activity.note, id="note", compact=True, placeholder=_("free text"))
            with Horizontal(classes="form-line", id="follow-up-line"):
                yield Checkbox(_("Next contact in"), False, id="follow-up", compact=True)
                yield Input("", id="follow-amount", type="integer", placeholder="n", compact=True)
                yield Select([(unit_label(u), u) for u in UNITS], value=DAYS, allow_blank=False, id="follow-unit",
                             compact=True)
                yield Label(_("or on"), classes="label-inline")
                yield Input("", id="follow-on", placeholder="YYYY-MM-DD HH:MM", compact=True)
            yield from self._error_lines("follow_up")
            with Horizontal(classes="form-line"):
                yield Checkbox(_("Add to the employee's calendar"), activity.in_calendar, id="in_calendar", compact=True)
                yield Checkbox(_("Completed"), activity.completed, id="completed", compact=True)
            yield from self._error_lines("duration_seconds")
            yield Static("", id="chain", markup=False)
        yield KeyFooter()

    def _error_lines(self, *fields: str) -> ComposeResult:
        for field in fields:
            yield Static("", id=f"error-{field}", classes="error field-error", markup=False)

    def _employee_options(self, current: str) -> list[tuple[Text, str]]:
        """Active operators, plus the activity's own employee even if inactive or unknown."""
        current = current or self.app.user  # never an empty list
        operators = self.app.operators.all(include_inactive=False)
        options = [(Text(o.shown()), o.login) for o in operators]
        if current and current not in {o.login for o in operators}:
            options.append((Text(self.app.operators.shown(current)), current))
        return options

    def _dictionary_options(self, dictionary: str, current: str) -> list[tuple[Text, str]]:
        entries = self.app.dictionaries.entries(dictionary)
        options = [(Text(e.shown()), e.key) for e in d.choices(entries, current)]
        if current and current not in {key for _label, key in options}:
            options.append((Text(current), current))  # a value from before the entry was deleted
        return options

    def _dictionary_select(self, field: str, dictionary: str, current: str) -> Select:
        return Select(self._dictionary_options(dictionary, current), value=current or Select.NULL, prompt="—",
                      id=field, compact=True)

    def on_mount(self) -> None:
        if self._missing:
            self.notify(_("The activity no longer exists."), severity="error")
            self.call_after_refresh(self._close)
            return
        self._show_participants()
        self._show_state()
        self._show_errors([])
        self._show_timer()
        self.set_interval(1.0, self._show_timer)
        for warning in self._warnings:
            self.notify(warning, severity="warning", markup=False)
        self.call_after_refresh(self._remember_baseline)
        for field in self.query(Input):
            field.select_on_focus = False  # a stray key must not replace a whole field
        if not self._read_only:
            self.query_one("#subject" if self._counterparty_id is not None else "#counterparty").focus()

    def _close(self) -> None:
        self.dismiss(None)  # not awaited: this runs in the screen's own message loop

    def _remember_baseline(self) -> None:
        self._baseline = self._form_state()

    # -- showing state ---------------------------------------------------------------------

    def _show_participants(self) -> None:
        app = self.app
        button = self.query_one("#counterparty", Button)
        private_client = self._private_client()
        if self._counterparty_id is None:
            button.label = Content.styled(_("Choose… (alt+c)"), "italic")
        else:
            doc = app.contacts.doc(self._counterparty_id) or {}
            city = next((a.get("city") for a in doc.get("addresses", []) if a.get("city")), "")
            name = contact_name(app, self._counterparty_id)
            if private_client:
                name = _("{name} (private client)").format(name=name)
            button.label = Content(f"{name} · {city}" if city else name)  # namesakes differ by city
        button.refresh(layout=True)  # "width: auto" is measured again for the new label
        for field in ("counterparty_id", "person_ids"):  # what they said may be fixed now
            self.query_one(f"#error-{field}", Static).update("")
        persons = self.query_one("#persons", PersonList)
        kept = persons.highlighted_option.id if persons.highlighted_option else None
        persons.set_options([Option(self._person_prompt(p), id=str(p)) for p in self._person_ids])
        ids = [str(p) for p in self._person_ids]
        if ids:
            persons.highlighted = ids.index(kept) if kept in ids else 0
        persons.display = bool(ids)
        blocked = person_choice_blocked(self._counterparty_id, private_client=private_client)
        hint = self.query_one("#persons-hint", Static)
        if self._read_only:
            hint.update("")
        elif blocked:
            hint.update(blocked)
        elif not ids:
            hint.update(_("none yet"))
        else:
            hint.update(_("del removes the highlighted one"))
        self._enable_widgets()

    def _private_client(self) -> bool:
        """The counterparty is a private client: they take part alone, no one can be added."""
        return self._counterparty_id is not None and self.app.activities.is_private_client(self._counterparty_id)

    def _person_prompt(self, person_id: int) -> Content:
        link = self.app.links.of_person(person_id)
        name = Content(contact_name(self.app, person_id))
        return Content.assemble(name, ("  · " + role_label(self.app, link.role), "dim")) if link and link.role else name

    def _show_state(self) -> None:
        """Title, the chain of follow-ups, the read-only note and which widgets can be used."""
        activity = self._original
        self.title = type_label(self._selected_type())
        self.sub_title = _("completed") if self._read_only else (_("new") if activity.id is None else "")
        chain = []
        for label, key, linked_id in ((_("Previous: {when} (alt+w)"), "b", activity.previous_id),
                                      (_("Next: {when} (alt+n)"), "n", activity.next_id)):
            linked = self.app.activities.get(linked_id) if linked_id is not None else None
            if linked is not None and not linked.deleted_at:
                chain.append(label.format(when=format_wall_time(linked.planned(), self.app.zone)))
        self.query_one("#chain", Static).update("   ".join(chain))
        self.query_one("#chain").display = bool(chain)
        note = self.query_one("#read-only-note", Static)
        note.update(_("Completed: every field is read-only. alt+r reopens the activity.") if self._read_only else "")
        note.display = self._read_only
        self._enable_widgets()
        self.refresh_bindings()

    def _enable_widgets(self) -> None:
        for selector in EDITABLE:
            self.query_one(selector).disabled = self._read_only
        if not self._read_only:
            # the seed's inactive plus: nobody to add yet, or a private client who takes part alone
            self.query_one("#add-person").disabled = self._counterparty_id is None or self._private_client()
            has_next = self._original.next_id is not None
            for selector in ("#follow-up", "#follow-amount", "#follow-unit", "#follow-on"):
                self.query_one(selector).disabled = has_next  # one follow-up per activity

    def _show_timer(self) -> None:
        if self._stopwatch is None:
            return
        state = _("running") if self._stopwatch.running else _("paused")
        text = _("Time {elapsed} ({state})").format(elapsed=format_duration(self._stopwatch.elapsed()), state=state)
        self.query_one("#timer", Static).update(text)

    def _selected_type(self) -> str:
        value = self.query_one("#type", Select).value
        return value if isinstance(value, str) else CONTACT

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Reopen only for a completed activity, editing keys only when it is not (the footer
        then fits 80 columns); next/previous only when there is one."""
        if action in ("save", "toggle_timer", "choose_counterparty", "add_person", "remove_person"):
            return not self._read_only
        if action == "reopen":
            return self._read_only and self._original.id is not None
        if action == "not_completed":
            return not (self._read_only and self._original.id is not None)
        return True

    # -- reading and filling the form ------------------------------------------------------

    def _value(self, selector: str) -> str:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else ""

    def _planned(self) -> datetime:
        """The planned time typed; ``DateInputError`` when it cannot be read."""
        return parse_wall_time(self.query_one("#planned_at", Input).value, self.app.zone)

    def read_form(self) -> Activity:
        """The activity as the form shows it now (not validated)."""
        activity = Activity.from_doc(self._original.to_doc(), self._original.id)
        activity.type = self._selected_type()
        activity.counterparty_id = self._counterparty_id
        activity.person_ids = list(self._person_ids)
        try:
            activity.planned_at = to_utc_text(self._planned())
        except ValueError:
            activity.planned_at = ""
        activity.employee = self._value("#employee")
        for field, _name, _preferred in DICTIONARY_FIELDS:
            setattr(activity, field, self._value(f"#{field}"))
        activity.subject = self.query_one("#subject", Input).value.strip()
        activity.note = self.query_one("#note", TextArea).text.strip()
        activity.duration_seconds = int(self._stopwatch.elapsed()) if self._stopwatch else 0
        activity.in_calendar = self.query_one("#in_calendar", Checkbox).value
        activity.completed = self.query_one("#completed", Checkbox).value
        return activity

    def _follow_up_inputs(self) -> tuple[bool, str, str, str]:
        return (self.query_one("#follow-up", Checkbox).value, self.query_one("#follow-amount", Input).value,
                self._value("#follow-unit"), self.query_one("#follow-on", Input).value)

    def _form_state(self) -> dict[str, Any]:
        """What the user typed, the running timer left out (it alone is no reason to ask)."""
        doc = self.read_form().to_doc()
        doc.pop("duration_seconds", None)
        return {**doc, "planned_text": self.query_one("#planned_at", Input).value, "follow": self._follow_up_inputs()}

    def has_unsaved_changes(self) -> bool:
        if self._missing:
            return False
        if self._baseline is None or self._form_state() != self._baseline:
            return True
        # the timer of a stored activity counts once it was run
        return self._original.id is not None and int(self._stopwatch.elapsed()) != self._original.duration_seconds

    def _fill_form(self, activity: Activity) -> None:
        """Put ``activity`` into the form (the timer keeps its own time)."""
        with self.prevent(Select.Changed, Input.Changed, Checkbox.Changed):
            self.query_one("#type", Select).value = activity.type if activity.type in ACTIVITY_TYPES else CONTACT
            self.query_one("#planned_at", Input).value = format_wall_time(activity.planned(), self.app.zone)
            employee = self.query_one("#employee", Select)
            employee.set_options(self._employee_options(activity.employee))
            if activity.employee:
                employee.value = activity.employee
            for field, name, _preferred in DICTIONARY_FIELDS:
                select = self.query_one(f"#{field}", Select)
                select.set_options(self._dictionary_options(name, getattr(activity, field)))
                select.value = getattr(activity, field) or Select.NULL
            self.query_one("#subject", Input).value = activity.subject
            self.query_one("#note", TextArea).text = activity.note
            self.query_one("#in_calendar", Checkbox).value = activity.in_calendar
            self.query_one("#completed", Checkbox).value = activity.completed
        self._counterparty_id, self._person_ids = activity.counterparty_id, list(activity.person_ids)
        self._show_participants()

    # -- events ----------------------------------------------------------------------------

    @on(Select.Changed, "#type")
    def _type_changed(self) -> None:
        self.title = type_label(self._selected_type())

    @on(Input.Changed, "#follow-amount")
    @on(Input.Changed, "#follow-on")
    def _follow_up_typed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.query_one("#follow-up", Checkbox).value = True  # typing "in 2 days" means "yes, set it"

    @on(Button.Pressed, "#counterparty")
    def _counterparty_pressed(self) -> None:
        self.action_choose_counterparty()

    @on(Button.Pressed, "#add-person")
    def _add_person_pressed(self) -> None:
        self.action_add_person()

    # -- actions ---------------------------------------------------------------------------

    def _refuse_if_read_only(self) -> bool:
        if self._read_only:
            self.notify(_("The activity is completed and read-only: alt+r reopens it."), severity="warning")
        return self._read_only

    def action_toggle_timer(self) -> None:
        if self._refuse_if_read_only() or self._stopwatch is None:
            return
        self._stopwatch.toggle()
        self._show_timer()

    def action_choose_counterparty(self) -> None:
        if self._refuse_if_read_only():
            return
        activities = self.app.activities
        # organizations and private clients; a contact person's activities go with their organization
        picker = ContactPickerScreen(_("Counterparty: an organization or a private client"),
                                     kind=None, accept=activities.may_be_counterparty,
                                     mark=lambda i: _("private client") if activities.is_private_client(i) else "")
        self.app.push_screen(picker, self._counterparty_chosen)

    def _counterparty_chosen(self, chosen: int | str | None) -> None:
        if not isinstance(chosen, int) or chosen == self._counterparty_id:
            return
        activities = self.app.activities
        refusal = activities.counterparty_refusal(chosen)  # linked or trashed meanwhile
        if refusal:
            self.notify(refusal, severity="warning", markup=False)
            return
        private_client = activities.is_private_client(chosen)
        allowed = activities.persons_of(chosen)
        kept, dropped = persons_kept(self._person_ids, allowed, private_client=chosen if private_client else None)
        if dropped:
            names = ", ".join(contact_name(self.app, p) for p in dropped)
            message = (_("Removed {names}: a private client takes part alone.") if private_client else
                       _("Removed {names}: not contact persons of “{organization}”."))
            self.notify(message.format(names=names, organization=contact_name(self.app, chosen)),
                        severity="warning", markup=False)
        if not kept:
            primary = self.app.links.primary_of(chosen)
            kept = [primary.person_id] if primary and primary.person_id in allowed else []
        self._counterparty_id, self._person_ids = chosen, kept
        self._show_participants()
        self._clear_error("counterparty_id")
        self.query_one("#subject" if private_client else "#add-person").focus()

    def action_add_person(self) -> None:
        if self._refuse_if_read_only():
            return
        blocked = person_choice_blocked(self._counterparty_id, private_client=self._private_client())
        if blocked:
            self.notify(blocked, severity="warning")
            return
        # a stored activity's private client who has joined an organization since, or a trashed one
        refusal = self.app.activities.counterparty_refusal(self._counterparty_id)
        if refusal:
            self.notify(refusal, severity="warning", markup=False)
            return
        organization = contact_name(self.app, self._counterparty_id)
        allowed = self.app.activities.persons_of(self._counterparty_id)
        remaining = [p for p in allowed if p not in self._person_ids]
        if not remaining:
            message = (_("All contact persons of “{organization}” take part already.") if allowed else
                       _("“{organization}” has no contact persons yet: link them on its card."))
            self.notify(message.format(organization=organization), severity="warning", markup=False)
            return
        title = _("Contact person of “{organization}”").format(organization=organization)
        self.app.push_screen(ContactPickerScreen(title, only=remaining), self._person_chosen)

    def _person_chosen(self, chosen: int | str | None) -> None:
        if self._counterparty_id is None or not isinstance(chosen, int) or chosen in self._person_ids:
            return
        if chosen not in self.app.activities.persons_of(self._counterparty_id):
            return  # unlinked meanwhile
        self._person_ids.append(chosen)
        self._show_participants()
        persons = self.query_one("#persons", PersonList)
        persons.highlighted = len(self._person_ids) - 1
        persons.focus()
        self._clear_error("person_ids")

    def action_remove_person(self) -> None:
        if self._refuse_if_read_only():
            return
        if self._private_client():
            self.notify(_("A private client takes part alone: choose another counterparty instead (alt+c)."),
                        severity="warning")
            return
        option = self.query_one("#persons", PersonList).highlighted_option
        if option is None or option.id is None:
            return
        self._person_ids.remove(int(option.id))
        self._show_participants()
        if not self._person_ids:
            self.query_one("#add-person").focus()

    def action_history(self) -> None:
        """Who changed what in this activity, and when (reopening included)."""
        if self._activity_id is None:
            self.notify(_("A new activity has no history yet."), markup=False)
            return
        self.app.push_screen(RecordHistoryScreen(
            _("Field history of the activity"), ACTIVITY_ENTITY, self._activity_id,
            label=activity_field_label, value=lambda name, value: activity_value(self.app, name, value)))

    def action_not_completed(self) -> None:
        self.notify(_("Only a completed activity can be reopened."), markup=False)

    def action_reopen(self) -> None:
        if not self._read_only or self._original.id is None:
            return
        activity_id = self._original.id

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                reopened = self.app.activities.reopen(activity_id, author=self.app.user)
            except StoreError as error:
                self.notify(str(error), severity="error", markup=False)
                reopened = self.app.activities.get(activity_id)  # reopened by someone else, maybe
                if reopened is None or reopened.completed:
                    return
            self._original = reopened
            self._read_only = False
            self._fill_form(reopened)
            self._show_state()
            self._remember_baseline()
            self.query_one("#subject").focus()
            self.notify(_("Reopened: the activity can be changed again."))

        question = _("Reopen this completed activity so that it can be changed?")
        self.app.push_screen(ConfirmScreen(question, yes=_("Reopen")), answered)

    def action_open_linked(self, which: str) -> None:
        linked_id = self._original.next_id if which == "next" else self._original.previous_id
        if linked_id is None:
            self.notify(_("This activity has no next activity.") if which == "next"
                        else _("This activity follows no other activity."), markup=False)
            return
        self.app.push_screen(ActivityFormScreen(linked_id, clock=self._clock), lambda _saved: self._show_state())

    def action_save(self) -> None:
        if self._refuse_if_read_only():
            return
        draft = self.read_form()
        errors: list[FieldError] = []
        planned = None
        try:
            planned = self._planned()
        except ValueError as error:
            errors.append(FieldError("planned_at", str(error)))
        follow_up_at = None
        wanted, amount, unit, on_date = self._follow_up_inputs()
        if wanted and planned is not None and self._original.next_id is None:
            try:
                follow_up_at = follow_up_moment(planned, amount=amount, unit=unit, on=on_date, zone=self.app.zone)
            except ValueError as error:
                errors.append(FieldError("follow_up", str(error)))
        if errors:  # show the store's rules too, so that everything is corrected in one go
            counterparty = draft.counterparty_id
            persons = self.app.activities.persons_of(counterparty) if counterparty is not None else []
            errors += [e for e in validate_activity(draft, persons, private_client=self._private_client())
                       if e.field != "planned_at"]
            self._show_errors(errors)
            return
        try:
            result = self.app.activities.save(draft, author=self.app.user, follow_up_at=follow_up_at)
        except InvalidActivityError as error:
            self._show_errors(error.errors)
        except LockedActivityError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
        except ConflictError as error:
            self._carry_over(draft, error)
        except StoreError as error:
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False)
        else:
            if result.follow_up is not None:
                when = format_wall_time(result.follow_up.planned(), self.app.zone)
                self.notify(_("Saved. The next contact is planned for {when}.").format(when=when))
            else:
                self.notify(_("Saved."))
            self.dismiss(result.activity.id)

    def _carry_over(self, mine: Activity, error: ConflictError) -> None:
        """Someone saved first: put the user's edit on top of their version; nothing typed is lost."""
        current = error.current
        if current is None or current.get("deleted_at"):
            self.notify(str(error), severity="error", title=_("Not saved"), markup=False, timeout=10)
            return
        reapplied = reapply_edit(self._original.to_doc(), mine.to_doc(), current)
        self._original = Activity.from_doc(current, self._original.id)
        self._read_only = self._original.completed
        self._fill_form(Activity.from_doc(reapplied.doc, self._original.id))
        self._show_state()
        self._baseline = None  # the user's edit is still unsaved
        advice = (_("Your changes were put on top of the newer version. Check the form and press ctrl+s to save.")
                  if not self._read_only else
                  _("They completed the activity: reopen it (alt+r) to save your changes."))
        # a field both changed shows the user's value: say what theirs was, or ctrl+s would erase it unseen
        theirs = [_("{field} — theirs: “{value}”").format(field=activity_field_label(c.field),
                                                           value=activity_value(self.app, c.field, c.old))
                  for c in reapplied.conflicts]
        if theirs:
            advice += " " + _("You both changed: {fields}.").format(fields="; ".join(theirs))
        self.notify(f"{error} {advice}", severity="warning", title=_("Not saved"), markup=False,
                    timeout=30 if theirs else 15)

    # -- errors ----------------------------------------------------------------------------

    def _show_errors(self, errors: list[FieldError]) -> None:
        by_field: dict[str, list[str]] = {}
        for error in errors:
            field = error.field if error.field in ERROR_FIELDS else "duration_seconds"  # an unknown field still shows
            by_field.setdefault(field, []).append(error.message)
        for field in ERROR_FIELDS:
            line = self.query_one(f"#error-{field}", Static)
            messages = by_field.get(field, [])
            line.update("\n".join(dict.fromkeys(messages)))
            line.display = bool(messages)
        if errors:
            self.notify(_("Please correct the marked fields ({n}).").format(n=len(errors)), severity="error",
                        title=_("Not saved"))
            target = ERROR_FIELDS.get(errors[0].field)
            if target:
                widget: Widget = self.query_one(target)
                if widget.focusable:
                    widget.focus()

    def _clear_error(self, field: str) -> None:
        line = self.query_one(f"#error-{field}", Static)
        line.update("")
        line.display = False
