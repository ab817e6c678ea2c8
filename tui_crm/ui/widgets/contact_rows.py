"""Editable rows of the contact form: one phone, one e-mail, one address.

Each row shows its own field errors below it (a field's go when it is edited) and can be
removed with its ✕ button (or ctrl+r while a field of the row has focus).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Static

from tui_crm.domain.contact import STANDARD_PHONE_TYPES, Address, Email, Phone
from tui_crm.domain.dictionaries import Entry, choices, key_for, label_of
from tui_crm.domain.validation import format_phone
from tui_crm.i18n import _


def phone_type_key(phone_types: Sequence[Entry], typed: str) -> str:
    """The stored type for what was typed: an entry's key when it names one, else the text itself."""
    return key_for(phone_types, typed) or STANDARD_PHONE_TYPES[0]


class EditableRow(Vertical):
    """Base: a row with an error line and a remove button."""

    #: The row's fields (as validation names them: "phones.0.number" → "number"); each is an
    #: Input with the field's name, dashed, as its class.
    FIELDS: tuple[str, ...] = ()

    class RemoveRequested(Message):
        def __init__(self, row: EditableRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, classes: str) -> None:
        super().__init__(classes=classes)
        self._errors: dict[str, list[str]] = {}

    def error_line(self) -> Static:
        line = Static("", classes="error row-error", markup=False)
        line.display = False  # until the row has a message: an empty line would still take a row
        return line

    def remove_button(self) -> Button:
        return Button("✕", classes="remove", tooltip=_("Remove (ctrl+r)"), compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("remove"):
            event.stop()
            self.post_message(self.RemoveRequested(self))

    def field_of(self, widget: Input) -> str | None:
        return next((field for field in self.FIELDS if widget.has_class(field.replace("_", "-"))), None)

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """The messages under the row, by field."""
        self._errors = {field: messages for field, messages in errors.items() if messages}
        error = self.query_one(".row-error", Static)
        error.update("\n".join(message for messages in self._errors.values() for message in messages))
        error.display = bool(self._errors)

    def clear_error(self, field: str) -> None:
        """The field was edited: its messages go, the others' stay until the next save."""
        if field in self._errors:
            self.show_errors({f: messages for f, messages in self._errors.items() if f != field})


class PhoneRow(EditableRow):
    FIELDS = ("number", "type", "note")

    def __init__(self, phone: Phone, phone_types: Sequence[Entry]) -> None:
        """``phone_types``: the phone-type dictionary (archived entries are offered only to a
        phone that has one already)."""
        super().__init__(classes="phone-row")
        self._phone = phone
        self._phone_types = phone_types

    def compose(self) -> ComposeResult:
        phone = self._phone
        offered = [entry.shown() for entry in choices(self._phone_types, phone.type)]
        with Horizontal(classes="row-line"):
            yield Input(format_phone(phone.number) if phone.number else "", placeholder=_("Phone number"), classes="number", compact=True)
            yield Input(
                label_of(self._phone_types, phone.type),
                placeholder=_("Type"),
                classes="type",
                suggester=SuggestFromList(offered, case_sensitive=False),
                tooltip=_("mobile, work, home or your own type"),
                compact=True,
            )
            yield Input(phone.note, placeholder=_("Note, e.g. 9–12 only, ext. 21"), classes="note", compact=True)
            yield self.remove_button()
        with Horizontal(classes="row-line flags"):
            yield Checkbox("WhatsApp", phone.whatsapp, classes="whatsapp")
            yield Checkbox("Viber", phone.viber, classes="viber")
            yield Checkbox("SMS", phone.sms, classes="sms")
        yield self.error_line()

    def value(self) -> Phone:
        return Phone(
            number=self.query_one(".number", Input).value.strip(),
            type=phone_type_key(self._phone_types, self.query_one(".type", Input).value),
            note=self.query_one(".note", Input).value.strip(),
            whatsapp=self.query_one(".whatsapp", Checkbox).value,
            viber=self.query_one(".viber", Checkbox).value,
            sms=self.query_one(".sms", Checkbox).value,
        )


class EmailRow(EditableRow):
    FIELDS = ("address",)

    def __init__(self, email: Email) -> None:
        super().__init__(classes="email-row")
        self._email = email

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row-line"):
            yield Input(self._email.address, placeholder=_("E-mail address"), classes="address", compact=True)
            yield Checkbox(_("Consent"), self._email.consent, classes="consent", tooltip=_("Agrees to receive e-mail"))
            yield self.remove_button()
        yield self.error_line()

    def value(self) -> Email:
        return Email(self.query_one(".address", Input).value.strip(), self.query_one(".consent", Checkbox).value)


class AddressRow(EditableRow):
    FIELDS = ("street", "postal_code", "city", "country")

    def __init__(self, address: Address) -> None:
        super().__init__(classes="address-row")
        self._address = address

    def compose(self) -> ComposeResult:
        address = self._address
        with Horizontal(classes="row-line"):
            yield Input(address.street, placeholder=_("Street and number"), classes="street", compact=True)
            yield Input(address.postal_code, placeholder="00-000", classes="postal-code", compact=True)
            yield Input(address.city, placeholder=_("City"), classes="city", compact=True)
            yield Input(address.country, placeholder="PL", classes="country", max_length=2, compact=True)
            yield self.remove_button()
        yield self.error_line()

    def value(self) -> Address:
        return Address(
            street=self.query_one(".street", Input).value.strip(),
            postal_code=self.query_one(".postal-code", Input).value.strip(),
            city=self.query_one(".city", Input).value.strip(),
            country=self.query_one(".country", Input).value.strip().upper() or "PL",
        )
