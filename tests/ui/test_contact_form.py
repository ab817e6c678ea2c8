"""The contact form, driven from the keyboard: add, validate, switch type, discard, remove rows,
edit, copy, and a save that meets another session's newer version."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from tui_crm.domain.contact import ContactKind
from tui_crm.ui.screens.confirm import ConfirmScreen
from tui_crm.ui.screens.conflict import ConflictScreen
from tui_crm.ui.screens.contact_form import ContactFormScreen
from tui_crm.ui.screens.contact_list import ContactListScreen
from tui_crm.ui.screens.duplicate_warning import DuplicateWarningScreen
from tui_crm.ui.widgets.contact_rows import EmailRow, PhoneRow

ALL = {"Alfa Sp. z o.o.", "Anna Nowak", "Łukasz Wójcik", "Zakład Ślusarski Żuraw"}


def error_of(screen, field: str) -> str:
    """The text under a plain field ("" and hidden when there is no error)."""
    widget = screen.query_one(f"#error-{field}", Static)
    return str(widget.render()) if widget.display else ""


def row_error(row) -> str:
    widget = row.query_one(".row-error", Static)
    return str(widget.render()) if widget.display else ""


async def open_new(pilot, key: str = "n") -> ContactFormScreen:
    await pilot.press(key)
    form = pilot.app.screen
    assert isinstance(form, ContactFormScreen)
    return form


# -- adding --------------------------------------------------------------------------------


async def test_add_person_from_the_keyboard(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_new(pilot)
        assert form.query_one("#first_name", Input).has_focus
        assert form.title == "New contact"
        await ui.type_text(pilot, "Jan")
        await pilot.press("tab")
        assert form.query_one("#last_name", Input).has_focus
        await ui.type_text(pilot, "Kowalski")
        await pilot.press("alt+p")
        rows = list(form.query(PhoneRow))
        assert len(rows) == 1 and rows[0].query_one(".number", Input).has_focus
        await ui.type_text(pilot, "601 234 567")
        await pilot.press("alt+e")
        rows = list(form.query(EmailRow))
        assert len(rows) == 1 and rows[0].query_one(".address", Input).has_focus
        await ui.type_text(pilot, "Jan.Kowalski@Example.PL")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DuplicateWarningScreen)  # the phone of Łukasz Wójcik
        await pilot.press("s")  # save anyway

        assert isinstance(app.screen, ContactListScreen)
        assert ui.cursor_name(app) == "Jan Kowalski"
        assert ui.count_label(app) == "5 contacts"
        assert any("Jan Kowalski" in line and "601 234 567" in line for line in ui.screen_lines(app))
        assert "Saved “Jan Kowalski”." in ui.notifications(app)

    saved = ui.by_name(ui.reopen(sample_db), "Jan Kowalski")
    assert saved.kind == ContactKind.PERSON
    assert [p.number for p in saved.phones] == ["+48601234567"]
    assert saved.phones[0].type == "mobile"
    assert [e.address for e in saved.emails] == ["Jan.Kowalski@example.pl"]  # domain normalized
    assert saved.version == 1
    assert saved.created_by == saved.updated_by == ui.USER
    assert saved.account_manager == ui.USER


async def test_add_organization_with_valid_nip(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_new(pilot, "o")
        assert form.query_one("#name", Input).has_focus
        assert not form.query_one("#field-first_name").display
        assert form.query_one("#field-nip").display
        await ui.type_text(pilot, "Budmat Sp. z o.o.")
        await pilot.press("tab")
        assert form.query_one("#nip", Input).has_focus
        await ui.type_text(pilot, ui.NIP_OK_DASHED)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DuplicateWarningScreen)  # the NIP of Alfa Sp. z o.o.
        await pilot.press("s")  # save anyway
        assert isinstance(app.screen, ContactListScreen)
        assert ui.cursor_name(app) == "Budmat Sp. z o.o."

        # saved while persons only are listed: the filter goes, the cursor is on the new one
        await pilot.press("2")
        assert "Budmat Sp. z o.o." not in ui.shown_names(app)
        await open_new(pilot, "o")
        await ui.type_text(pilot, "Zenit")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ContactListScreen)
        assert ui.cursor_name(app) == "Zenit"
        assert len(ui.shown_ids(app)) == 6
        assert ui.count_label(app) == "6 contacts"

    repo = ui.reopen(sample_db)
    saved = ui.by_name(repo, "Budmat Sp. z o.o.")
    assert saved.kind == ContactKind.ORGANIZATION
    assert saved.nip == "5260250274"  # dashes gone
    assert saved.first_name == saved.last_name == ""
    assert ui.by_name(repo, "Zenit").kind == ContactKind.ORGANIZATION


# -- validation ----------------------------------------------------------------------------


async def test_invalid_input_shows_errors_under_fields_and_saves_nothing(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_new(pilot, "o")
        await ui.type_text(pilot, "Zła Firma")
        await pilot.press("tab")
        await ui.type_text(pilot, ui.NIP_BAD)
        await pilot.press("alt+p")
        await ui.type_text(pilot, "12")
        await pilot.press("alt+e")
        await ui.type_text(pilot, "no-at-sign.example.pl")
        await pilot.press("ctrl+s")

        assert app.screen is form  # still open
        assert error_of(form, "nip") == "Not a valid Polish NIP (check digit does not match)."
        assert error_of(form, "name") == ""
        [phone] = form.query(PhoneRow)
        assert row_error(phone) == "The phone number is too short."
        [email] = form.query(EmailRow)
        assert row_error(email) == "An e-mail address needs an @ sign."
        assert "Please correct the marked fields (3)." in ui.notifications(app)
        assert form.query_one("#nip", Input).has_focus  # the first error gets the focus

        # fix only the NIP: its error goes, the others stay
        await ui.fill(pilot, "#nip", ui.NIP_OK)
        await pilot.press("ctrl+s")
        assert app.screen is form
        assert error_of(form, "nip") == ""
        assert row_error(phone) == "The phone number is too short."
        assert phone.query_one(".number", Input).has_focus

    assert ui.live_names(ui.reopen(sample_db)) == ALL


async def test_an_error_goes_when_its_field_is_edited_and_the_others_stay(ui, sample_db, make_app):
    """Correcting a field clears the message under it at once, not at the next ctrl+s."""
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_new(pilot, "o")
        await ui.type_text(pilot, "Zła Firma")
        await pilot.press("tab")
        await ui.type_text(pilot, ui.NIP_BAD)
        await pilot.press("alt+p")
        await ui.type_text(pilot, "12")
        await pilot.press("alt+e")
        await ui.type_text(pilot, "no-at-sign.example.pl")
        await ui.fill(pilot, "#discount", "abc")
        await pilot.press("ctrl+s")
        [phone], [email] = form.query(PhoneRow), form.query(EmailRow)
        nip_error = "Not a valid Polish NIP (check digit does not match)."
        assert error_of(form, "nip") == nip_error
        assert row_error(phone) == "The phone number is too short."
        assert row_error(email) == "An e-mail address needs an @ sign."
        assert error_of(form, "discount") == "Enter the discount as a number."

        # a change event carrying the value that was checked (a key typed just before ctrl+s,
        # handled after it) leaves the error
        address = email.query_one(".address", Input)
        address.post_message(Input.Changed(address, address.value))
        await pilot.pause()
        assert row_error(email) == "An e-mail address needs an @ sign."

        await ui.fill(pilot, "EmailRow .address", "biuro@zla-firma.pl")
        assert row_error(email) == ""
        assert error_of(form, "nip") == nip_error  # the others stay until the next save
        assert row_error(phone) == "The phone number is too short."

        await ui.fill(pilot, "PhoneRow .note", "sekretariat")  # another field of the row
        assert row_error(phone) == "The phone number is too short."
        await ui.fill(pilot, "PhoneRow .number", "601 234 560")
        assert row_error(phone) == ""

        await ui.fill(pilot, "#nip", ui.NIP_OK)
        assert error_of(form, "nip") == ""
        assert error_of(form, "discount") == "Enter the discount as a number."
        await ui.fill(pilot, "#discount", "5")
        assert error_of(form, "discount") == ""

        await ui.fill(pilot, "#discount", "abc")
        await pilot.press("ctrl+s")  # the next save shows what is still wrong
        assert app.screen is form
        assert error_of(form, "discount") == "Enter the discount as a number."
        assert error_of(form, "nip") == "" and row_error(email) == "" and row_error(phone) == ""


async def test_the_name_and_consent_errors_go_when_they_are_dealt_with(ui, sample_db, make_app):
    from textual.widgets import Checkbox

    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_new(pilot)  # no name at all
        box = form.query_one("#consent-email", Checkbox)
        box.focus()
        await pilot.press("space")
        await ui.fill(pilot, "#consent-date-email", "2025-02-30")
        await pilot.press("ctrl+s")
        assert error_of(form, "last_name") == "Enter a first or last name."
        assert error_of(form, "consents-email") == "This date does not exist."

        await ui.fill(pilot, "#first_name", "Jan")  # the message stands under the last name
        assert error_of(form, "last_name") == ""
        assert error_of(form, "consents-email") == "This date does not exist."
        box.focus()
        await pilot.press("space")  # no consent: no date needed
        assert not box.value
        assert error_of(form, "consents-email") == ""


async def test_every_problem_of_a_person_is_shown_at_once_then_fixed(ui, sample_db, make_app):
    from datetime import date

    from textual.widgets import Checkbox

    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_new(pilot)  # no name at all
        await pilot.press("alt+p")
        await ui.type_text(pilot, "601234567")
        await pilot.press("alt+p")
        await ui.type_text(pilot, "+48 601 234 567")  # the same number, written differently
        await ui.fill(pilot, "#discount", "abc")
        box = form.query_one("#consent-email", Checkbox)
        box.focus()
        await pilot.press("space")  # ticking a consent fills in today's date
        assert box.value
        assert form.query_one("#consent-date-email", Input).value == date.today().isoformat()
        await ui.fill(pilot, "#consent-date-email", "2025-02-30")
        await ui.fill(pilot, "#consent-date-sms", "2025-02-31")  # not ticked: ignored
        await pilot.press("ctrl+s")

        assert app.screen is form
        assert error_of(form, "last_name") == "Enter a first or last name."
        assert error_of(form, "discount") == "Enter the discount as a number."
        assert error_of(form, "consents-email") == "This date does not exist."
        assert error_of(form, "consents-sms") == ""
        first, second = form.query(PhoneRow)
        assert row_error(first) == ""
        assert row_error(second) == "This phone number is already on the list."
        assert "Please correct the marked fields (4)." in ui.notifications(app)
        assert form.query_one("#last_name", Input).has_focus  # the first error

        await ui.type_text(pilot, "Bez")
        await ui.fill(pilot, "#discount", "12,5")
        await ui.fill(pilot, "#consent-date-email", "2025-02-28")
        second.query_one(".number", Input).focus()
        await pilot.press("ctrl+r")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DuplicateWarningScreen)  # the phone of Łukasz Wójcik
        await pilot.press("s")  # save anyway
        assert isinstance(app.screen, ContactListScreen)
        assert ui.cursor_name(app) == "Bez"
    saved = ui.by_name(ui.reopen(sample_db), "Bez")
    assert saved.discount == 12.5
    assert [p.number for p in saved.phones] == ["+48601234567"]
    assert saved.consents.get("email") == "2025-02-28"
    assert not saved.consents.get("sms")


# -- switching type, discarding, removing rows ---------------------------------------------


async def _choose_kind(pilot, form: ContactFormScreen, label: str) -> None:
    """Move to the Type select with shift+tab, open it with enter, pick ``label`` with the arrows."""
    from textual.widgets._select import SelectOverlay

    select = form.query_one("#kind", Select)
    for _ in range(10):
        if select.has_focus:
            break
        await pilot.press("shift+tab")
    assert select.has_focus
    await pilot.press("enter")
    overlay = select.query_one(SelectOverlay)
    assert overlay.has_focus
    for _ in range(3):
        highlighted = overlay.highlighted
        if highlighted is not None and str(overlay.get_option_at_index(highlighted).prompt) == label:
            break
        await pilot.press("down")
    await pilot.press("enter")
    wanted = {"Person": ContactKind.PERSON.value, "Organization": ContactKind.ORGANIZATION.value}[label]
    assert select.value == wanted


async def test_switching_type_keeps_phones_and_carries_the_name(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_new(pilot)
        await ui.type_text(pilot, "Jan")
        await pilot.press("tab")
        await ui.type_text(pilot, "Nowicki")
        await pilot.press("alt+p")
        await ui.type_text(pilot, "601 234 567")

        await _choose_kind(pilot, form, "Organization")
        assert form.query_one("#field-name").display
        assert not form.query_one("#field-first_name").display
        assert form.query_one("#name", Input).value == "Jan Nowicki"
        [phone] = form.query(PhoneRow)
        assert phone.query_one(".number", Input).value == "601 234 567"

        # rename the organization; back to person: the person's names are still there, and
        # saving as a person drops the (hidden) organization fields
        await ui.fill(pilot, "#name", "Nowicki Transport")
        await ui.fill(pilot, "#nip", ui.NIP_BAD)  # hidden below, so it must not block the save
        await _choose_kind(pilot, form, "Person")
        assert form.query_one("#first_name", Input).value == "Jan"
        assert form.query_one("#last_name", Input).value == "Nowicki"
        assert not form.query_one("#field-name").display
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DuplicateWarningScreen)  # the phone of Łukasz Wójcik
        await pilot.press("s")  # save anyway
        assert isinstance(app.screen, ContactListScreen)

    saved = ui.by_name(ui.reopen(sample_db), "Jan Nowicki")
    assert saved.kind == ContactKind.PERSON
    assert [p.number for p in saved.phones] == ["+48601234567"]
    assert saved.name == saved.nip == ""


async def test_escape_on_dirty_form_asks_before_discarding(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        # an untouched form closes at once, new or existing
        await open_new(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, ContactListScreen)
        await pilot.press("e")
        assert isinstance(app.screen, ContactFormScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ContactListScreen)

        form = await open_new(pilot)
        await ui.type_text(pilot, "Roman")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        assert app.screen is form
        assert form.query_one("#first_name", Input).value == "Roman"
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # escape on the question also means "keep editing"
        assert app.screen is form
        await pilot.press("escape")
        await pilot.press("y")
        assert isinstance(app.screen, ContactListScreen)
        assert "Roman" not in ui.shown_names(app)
    assert ui.live_names(ui.reopen(sample_db)) == ALL


async def test_ctrl_q_on_dirty_form_asks_first(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_new(pilot)
        await ui.type_text(pilot, "Halina")
        await pilot.press("ctrl+q")
        assert app.is_running
        assert isinstance(app.screen, ConfirmScreen)


async def test_ctrl_r_removes_the_focused_row(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        # the cursor starts on Alfa; go to Łukasz, who has two phones
        await pilot.press("down", "down")
        assert ui.cursor_name(app) == "Łukasz Wójcik"
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        first, second = form.query(PhoneRow)
        assert first.query_one(".number", Input).value == "601 234 567"  # shown formatted
        await pilot.press("ctrl+r")  # focus is on a name field: nothing to remove
        assert len(form.query(PhoneRow)) == 2
        assert "Move to a phone, e-mail or address row to remove it." in ui.notifications(app)

        first.query_one(".note", Input).focus()
        await pilot.pause()
        await pilot.press("ctrl+r")
        remaining = list(form.query(PhoneRow))
        assert [r.query_one(".number", Input).value for r in remaining] == ["22 123 45 67"]
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ContactListScreen)

    saved = ui.by_name(ui.reopen(sample_db), "Łukasz Wójcik")
    assert [p.number for p in saved.phones] == ["+48221234567"]
    assert saved.phones[0].note == "9–12"
    assert saved.version == 2


# -- editing and copying -------------------------------------------------------------------


async def test_edit_saves_new_value_and_bumps_version(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down")
        assert ui.cursor_name(app) == "Anna Nowak"
        await pilot.press("e")
        form = app.screen
        assert form.title == "Edit contact"
        assert form.query_one("#first_name", Input).value == "Anna"
        await ui.fill(pilot, "#last_name", "Nowak-Kowalska")
        await ui.fill(pilot, "#tags", "hurt, nowy ,HURT")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ContactListScreen)
        assert ui.cursor_name(app) == "Anna Nowak-Kowalska"

    repo = ui.reopen(sample_db)
    saved = ui.by_name(repo, "Anna Nowak-Kowalska")
    assert saved.version == 2
    assert saved.updated_by == ui.USER and saved.created_by == "seed"
    assert saved.tags == ["hurt", "nowy"]
    assert [p.number for p in saved.phones] == ["+48501000111"]  # untouched fields kept
    assert "Anna Nowak" not in ui.live_names(repo)


async def test_editing_one_field_leaves_every_other_field_as_it_was(ui, sample_db, make_app):
    """The form shows values in display form (601 234 567, labels, dates); saving must not
    change anything the user did not touch."""
    repo = ui.reopen(sample_db)
    before = {name: ui.by_name(repo, name).to_doc() for name in ("Zakład Ślusarski Żuraw", "Łukasz Wójcik")}
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("end", "e")  # Zakład: supplier, NIP, tags
        await ui.fill(pilot, "#regon", "123456785")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ContactListScreen)
        await pilot.press("up", "e")  # Łukasz: WhatsApp, a phone note, consents, an address
        await ui.fill(pilot, "#position", "Prezes")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ContactListScreen)
    repo = ui.reopen(sample_db)
    bookkeeping = {"version", "updated_at", "updated_by"}
    for name, field in (("Zakład Ślusarski Żuraw", "regon"), ("Łukasz Wójcik", "position")):
        after = ui.by_name(repo, name).to_doc()
        changed = {k for k in before[name].keys() | after.keys() if before[name].get(k) != after.get(k)}
        assert changed - bookkeeping == {field}, name
        assert after["version"] == 2


async def test_copy_creates_a_new_prefilled_contact(ui, sample_db, sample_ids, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down", "down", "c")
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        assert form.title == "New contact"
        assert form.query_one("#first_name", Input).value == "Łukasz"
        assert len(form.query(PhoneRow)) == 2
        await ui.fill(pilot, "#first_name", "Piotr")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DuplicateWarningScreen)  # a copy has the same phones and e-mail
        await pilot.press("s")  # save anyway
        assert isinstance(app.screen, ContactListScreen)
        assert ui.cursor_name(app) == "Piotr Wójcik"

    repo = ui.reopen(sample_db)
    copy, original = ui.by_name(repo, "Piotr Wójcik"), ui.by_name(repo, "Łukasz Wójcik")
    assert copy.id not in sample_ids.values() and original.id == sample_ids["Łukasz Wójcik"]
    assert [p.number for p in copy.phones] == [p.number for p in original.phones]
    assert copy.addresses == original.addresses and copy.tags == original.tags
    assert copy.version == 1 and copy.created_by == ui.USER
    assert original.version == 1  # the original was not touched


# -- conflicts -----------------------------------------------------------------------------


async def test_conflict_with_another_session_keeps_both_changes(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down", "down", "e")
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        await ui.fill(pilot, "#position", "Dyrektor handlowy")

        # meanwhile another session changes the same contact: a phone and the source
        other = ui.reopen(sample_db)
        theirs = ui.by_name(other, "Łukasz Wójcik")
        theirs.phones[0].number = "+48609000111"
        theirs.source = "targi"
        other.save(theirs, author="piotr")

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        message = str(app.screen.query(Static)[1].render())
        assert "changed by piotr meanwhile" in message
        # not overwritten: the file still has their version
        on_disk = ui.by_name(ui.reopen(sample_db), "Łukasz Wójcik")
        assert on_disk.version == 2 and on_disk.position == "Kierownik zakupów"

        await pilot.press("enter")  # OK
        assert app.screen is form
        # the form now holds their changes with mine on top
        assert form.query_one("#position", Input).value == "Dyrektor handlowy"
        assert form.query_one("#source", Input).value == "targi"
        numbers = [r.query_one(".number", Input).value for r in form.query(PhoneRow)]
        assert numbers == ["609 000 111", "22 123 45 67"]
        assert not any(line.display for line in form.query(".row-error"))  # no empty line under each row

        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ContactListScreen)

    saved = ui.by_name(ui.reopen(sample_db), "Łukasz Wójcik")
    assert saved.version == 3
    assert saved.position == "Dyrektor handlowy"
    assert saved.source == "targi"
    assert [p.number for p in saved.phones] == ["+48609000111", "+48221234567"]
    assert saved.updated_by == ui.USER


async def test_conflict_on_the_same_field_reports_it_and_keeps_mine(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down", "e")
        form = app.screen
        await ui.fill(pilot, "#last_name", "Nowak-Mine")
        other = ui.reopen(sample_db)
        theirs = ui.by_name(other, "Anna Nowak")
        theirs.last_name = "Nowak-Theirs"
        other.save(theirs, author="piotr")

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        text = "\n".join(str(s.render()) for s in app.screen.query(Static))
        assert "Last name: theirs Nowak-Theirs → yours Nowak-Mine" in text
        await pilot.press("escape")
        assert form.query_one("#last_name", Input).value == "Nowak-Mine"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ContactListScreen)
    saved = ui.by_name(ui.reopen(sample_db), "Anna Nowak-Mine")
    assert saved.version == 3


async def test_saving_a_contact_deleted_meanwhile_is_refused(ui, sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await pilot.press("down", "e")
        form = app.screen
        await ui.fill(pilot, "#first_name", "Anka")
        other = ui.reopen(sample_db)
        other.delete(ui.by_name(other, "Anna Nowak").id, author="piotr")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert any("deleted by piotr" in m for m in ui.notifications(app))
    repo = ui.reopen(sample_db)
    [trashed] = repo.trash()
    assert trashed.first_name == "Anna" and trashed.deleted_by == "piotr"


async def test_ctrl_t_switches_person_and_organization_keeping_the_name(ui, sample_db, make_app):
    from textual.widgets import Input

    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        await open_new(pilot)
        await ui.type_text(pilot, "Halina")
        await pilot.press("tab")
        await ui.type_text(pilot, "Kwiatek")
        await pilot.press("ctrl+t")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#name", Input).value == "Halina Kwiatek"
        assert form.query_one("#field-name").display and not form.query_one("#field-first_name").display
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert form.query_one("#first_name", Input).value == "Halina"


async def test_alt_p_from_a_text_field_adds_a_row_instead_of_typing_p(ui, sample_db, make_app):
    """Terminals deliver alt+p with the character "p": the binding must win over the input."""
    from textual import events
    from textual.widgets import Input

    from tui_crm.ui.widgets.contact_rows import PhoneRow

    app = make_app(sample_db)
    async with app.run_test(size=ui.SIZE) as pilot:
        form = await open_new(pilot)
        before = len(form.query(PhoneRow))
        app.post_message(events.Key("alt+p", "p"))
        await pilot.pause()
        assert len(form.query(PhoneRow)) == before + 1
        assert form.query_one("#first_name", Input).value == ""
