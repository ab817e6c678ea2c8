"""The stored form of a contact: compact, complete, and copies that share nothing mutable."""

from __future__ import annotations

from dataclasses import asdict

from tui_crm.demo import generate_contacts
from tui_crm.domain.contact import Contact, Email, Note, Phone, compact_doc

DEMO = generate_contacts(400, seed=11)


def reference_doc(contact: Contact) -> dict:
    """What ``to_doc`` must give, the slow and obvious way."""
    doc = compact_doc(asdict(contact))
    doc["kind"] = str(contact.kind)
    doc.pop("id", None)
    return doc


def test_to_doc_is_the_compacted_record() -> None:
    for doc in DEMO:
        contact = Contact.from_doc(doc, 5)
        assert contact.to_doc() == reference_doc(contact)
        assert Contact.from_doc(contact.to_doc(), 5) == contact


def test_empty_values_are_left_out_but_rows_keep_their_place() -> None:
    contact = Contact(first_name="Ala", phones=[Phone("+48601234567", note=""), Phone("")],
                      emails=[Email("a@b.pl", consent=False)], notes=[Note("x")], consents={"sms": None},
                      discount=0.0, supplier=False)
    assert contact.to_doc() == {"kind": "person", "first_name": "Ala",
                                "phones": [{"number": "+48601234567", "type": "mobile"}, {"type": "mobile"}],
                                "emails": [{"address": "a@b.pl"}], "notes": [{"text": "x"}]}


def test_a_copy_shares_no_row_or_list_with_the_original() -> None:
    contact = Contact.from_doc(next(d for d in DEMO if d.get("phones") and d.get("tags")), 9)
    copy = contact.copy()
    assert copy == contact
    copy.phones[0].number = "+48999999999"
    copy.tags.append("new")
    copy.consents["email"] = "2026-01-01"
    copy.emails.append(Email("x@y.pl"))
    assert contact == Contact.from_doc(contact.to_doc(), 9)
    assert contact.phones[0].number != "+48999999999" and "new" not in contact.tags


def test_a_link_is_stored_as_its_compacted_record() -> None:
    from tui_crm.domain.contact_persons import ContactPersonLink, PortalAccess

    link = ContactPersonLink(4, 9, role="CEO", contact_person=False, portal=PortalAccess(login_email="a@b.pl"),
                             permissions=["invoices"], id=3, version=2)
    expected = compact_doc(asdict(link))
    expected.pop("id")
    expected["contact_person"] = False  # kept: it reads back as True when left out
    assert link.to_doc() == expected
    assert ContactPersonLink.from_doc(link.to_doc(), 3) == link
