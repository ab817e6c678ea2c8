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
    assert refusal and "biuro@hurtownia.pl" in refusal and "consent" in refusal


def test_a_phone_channel_needs_its_flag() -> None:
    phone = Phone("+48601234567", sms=True, whatsapp=False, viber=True)
    assert phone_refusal(phone, "sms") is None and phone_refusal(phone, "viber") is None
    refusal = phone_refusal(phone, "whatsapp")
    assert refusal and "WhatsApp" in refusal and "+48601234567" in refusal
    assert allowed_channels(phone) == ["sms", "viber"]
    with pytest.raises(ValueError):
        phone_refusal(phone, "email")


def test_chat_and_call_links_open_the_phone_app_with_the_text() -> None:
    assert chat_link("whatsapp", "+48 601 234 567", "Zażółć & co") == "https://wa.me/48601234567?text=Za%C5%BC%C3%B3%C5%82%C4%87%20%26%20co"
    assert chat_link("sms", "+48601234567", "Hej") == "sms:+48601234567?body=Hej"
    assert chat_link("viber", "+48601234567", "Hej") == "viber://chat?number=%2B48601234567"
    assert call_link("+48 601 234 567") == "tel:+48601234567"

