"""Message templates render in the sandbox; consent and phone flags decide who may be written to."""

from __future__ import annotations

from datetime import date

import pytest

from tui_crm.domain.contact import Contact, ContactKind, Email, Phone
from tui_crm.domain.documents import TemplateProblem
from tui_crm.domain.messages import (
    MessageError,
    MessageTemplate,
    allowed_channels,
    call_link,
    chat_link,
    email_refusal,
    message_context,
    phone_refusal,
    recipient_index,
    recipient_refusal,
    render_template,
    render_text,
    validate_template,
)

ANNA = Contact(first_name="Anna", last_name="Żółtowska", emails=[Email("anna@firma.pl", consent=True)],
               phones=[Phone("+48601234567", sms=True)])
FIRM = Contact(kind=ContactKind.ORGANIZATION, name="Hurtownia Łódź", emails=[Email("biuro@hurtownia.pl")])


def context(**overrides):
    values = {"organization": FIRM, "primary_contact": ANNA, "operator": "ola", "today": date(2026, 11, 25)}
    values.update(overrides)
    return message_context(ANNA, **values)


def test_a_template_renders_the_contact_organization_primary_contact_operator_and_date() -> None:
    template = MessageTemplate("Oferta", "email", subject="Oferta dla {{ organization.name }}",
                               body="Dzień dobry {{ contact.first_name }} {{ contact.last_name }},\n"
                                    "kontakt: {{ primary_contact.email }}, {{ operator }}, {{ today|date }}\n")
    rendered = render_template(template, context())
    assert rendered.subject == "Oferta dla Hurtownia Łódź"
    assert rendered.body == "Dzień dobry Anna Żółtowska,\nkontakt: anna@firma.pl, ola, 25 Nov 2026\n"


def test_missing_organization_is_false_in_if_and_an_error_when_used() -> None:
    ctx = context(organization=None, primary_contact=None)
    assert render_text("{% if organization %}x{% else %}none{% endif %}", ctx) == "none"
    with pytest.raises(TemplateProblem, match="belongs to no organization"):
        render_text("{{ organization.name }}", ctx)


def test_a_bad_template_is_refused_with_its_line() -> None:
    with pytest.raises(TemplateProblem) as syntax:
        validate_template(MessageTemplate("Zła", "sms", body="Hej\n\n{{ contact.name }\n"))
    assert syntax.value.line == 3 and "line 3" in str(syntax.value)
    with pytest.raises(TemplateProblem) as unknown:
        render_text("ok\n\n{{ contact.shoe_size }}\n", context())
    assert unknown.value.line == 3 and "shoe_size" in str(unknown.value)
    with pytest.raises(TemplateProblem, match="blocked for safety"):
        render_text("{{ contact.__class__ }}", context())


def test_viber_has_no_templates_and_a_template_needs_a_name_and_text() -> None:
    with pytest.raises(MessageError, match="free text only"):
        validate_template(MessageTemplate("V", "viber", body="Hej"))
    with pytest.raises(MessageError):
        validate_template(MessageTemplate(" ", "sms", body="Hej"))
    with pytest.raises(MessageError):
        validate_template(MessageTemplate("S", "sms", body=""))


def test_an_address_without_consent_is_refused() -> None:
    assert email_refusal(Email("anna@firma.pl", consent=True)) is None
    refusal = email_refusal(Email("biuro@hurtownia.pl", consent=False))
    assert refusal == "biuro@hurtownia.pl has no consent to e-mails."  # the dialog offers to record it


def test_a_phone_channel_needs_its_flag() -> None:
    phone = Phone("+48601234567", sms=True, whatsapp=False, viber=True)
    assert phone_refusal(phone, "sms") is None and phone_refusal(phone, "viber") is None
    refusal = phone_refusal(phone, "whatsapp")
    assert refusal == "601 234 567 does not have the “WhatsApp” flag on."  # written as the card shows it
    assert allowed_channels(phone) == ["sms", "viber"]
    with pytest.raises(ValueError):
        phone_refusal(phone, "email")


def test_chat_and_call_links_open_the_phone_app_with_the_text() -> None:
    assert chat_link("whatsapp", "+48 601 234 567", "Zażółć & co") == "https://wa.me/48601234567?text=Za%C5%BC%C3%B3%C5%82%C4%87%20%26%20co"
    assert chat_link("sms", "+48 601 234 567", "Zażółć & co") == "SMSTO:+48601234567:Zażółć & co"
    assert chat_link("viber", "+48601234567", "Hej") == "viber://chat?number=%2B48601234567"
    assert call_link("+48 601 234 567") == "tel:+48601234567"



# -- the recipient actually written to --------------------------------------------------------

JAN = Contact(first_name="Jan", last_name="Kos",
              emails=[Email("jan@firma.pl", consent=True), Email("Jan.Kos@Dom.PL", consent=False)],
              phones=[Phone("+48601234567", sms=True), Phone("+48221234567", whatsapp=True)])


@pytest.mark.parametrize("typed", ["jan@firma.pl", "JAN@FIRMA.PL", "  Jan@Firma.pl ", "jan@FIRMA.pl"])
def test_an_own_address_with_consent_may_be_written_however_its_case(typed: str) -> None:
    assert recipient_refusal(JAN, "email", typed) is None
    assert recipient_index(JAN, "email", typed) == 0


def test_an_address_not_the_contacts_or_without_consent_is_refused() -> None:
    foreign = recipient_refusal(JAN, "email", "ktos@obcy.pl")
    assert foreign and "ktos@obcy.pl" in foreign and "Jan Kos" in foreign
    assert recipient_index(JAN, "email", "ktos@obcy.pl") is None
    assert recipient_refusal(JAN, "email", "jan@firma.pl.evil.com")
    assert recipient_refusal(JAN, "email", "not an address")
    assert recipient_index(JAN, "email", "jan.kos@dom.pl") == 1
    assert recipient_refusal(JAN, "email", "jan.kos@dom.pl") == "Jan.Kos@Dom.PL has no consent to e-mails."
    assert recipient_refusal(JAN, "email", "  ") == "Fill in the recipient."


@pytest.mark.parametrize("typed", ["+48601234567", "601 234 567", "+48 601-234-567", "0048 601 234 567", "601234567"])
def test_an_own_number_with_the_flag_may_be_written_however_it_is_spaced(typed: str) -> None:
    assert recipient_refusal(JAN, "sms", typed) is None
    assert recipient_index(JAN, "sms", typed) == 0


def test_a_number_not_the_contacts_or_without_the_channels_flag_is_refused() -> None:
    foreign = recipient_refusal(JAN, "sms", "501 000 111")
    assert foreign and "501 000 111" in foreign and "Jan Kos" in foreign
    assert recipient_refusal(JAN, "sms", "601 234 56") and recipient_index(JAN, "sms", "601 234 56") is None
    assert recipient_refusal(JAN, "sms", "hello")
    assert recipient_index(JAN, "whatsapp", "22 123 45 67") == 1
    assert recipient_refusal(JAN, "whatsapp", "22 123 45 67") is None
    assert recipient_refusal(JAN, "sms", "22 123 45 67") == "22 123 45 67 does not have the “SMS” flag on."
    assert recipient_refusal(JAN, "viber", "601 234 567") == "601 234 567 does not have the “Viber” flag on."
    with pytest.raises(ValueError):
        recipient_refusal(JAN, "fax", "601 234 567")


def test_a_contact_with_nothing_to_write_to_refuses_everyone() -> None:
    nobody = Contact(first_name="Ewa", last_name="Nowak", emails=[Email("")], phones=[Phone("")])
    assert recipient_refusal(nobody, "email", "ewa@firma.pl")
    assert recipient_refusal(nobody, "sms", "601 234 567")
