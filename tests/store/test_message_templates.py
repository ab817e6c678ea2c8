"""Templates are shared through the file; the portal e-mails are templates the user can edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_crm.domain.documents import TemplateProblem
from tui_crm.domain.messages import MessageTemplate
from tui_crm.store import Database
from tui_crm.store.errors import ConflictError
from tui_crm.store.templates import TemplateRenderError, TemplateRepository


def test_templates_are_saved_listed_by_channel_and_versioned(db_path: Path) -> None:
    templates = TemplateRepository(Database(db_path))
    offer = templates.save(MessageTemplate("Oferta", "email", subject="Oferta", body="Dzień dobry {{ contact.name }}"),
                           author="ola")
    templates.save(MessageTemplate("Przypomnienie", "sms", body="Hej"), author="ola")
    other = TemplateRepository(Database(db_path))
    assert [t.name for t in other.list("email")] == ["Oferta"] and len(other.list()) == 2
    edited = other.save(MessageTemplate.from_doc(offer.to_doc(), offer.id) , author="jan")
    assert edited.version == 2
    templates.database.poll()
    with pytest.raises(ConflictError):
        templates.save(offer, author="ola")  # edited from version 1, someone saved version 2
    templates.delete(edited)
    assert templates.list("email") == []


def test_a_template_that_does_not_render_is_not_saved(db_path: Path) -> None:
    templates = TemplateRepository(Database(db_path))
    with pytest.raises(TemplateProblem) as problem:
        templates.save(MessageTemplate("Zły", "sms", body="Hej\n{{ contact.nickname }}"), author="ola")
    assert problem.value.line == 2
    assert templates.list() == []


def test_an_edited_welcome_template_is_used_and_resetting_brings_back_the_shipped_text(db_path: Path) -> None:
    templates = TemplateRepository(Database(db_path))
    shipped = templates.system("welcome")
    assert shipped.id is None and "{{ login }}" in shipped.body
    edited = MessageTemplate.from_doc(shipped.to_doc())
    edited.subject, edited.body = "Witamy, {{ name }}", "Login: {{ login }}\n"
    saved = templates.save(edited, author="ola")
    rendered = templates.render_system("welcome", {"name": "Anna", "login": "anna@firma.pl"})
    assert (rendered.subject, rendered.body) == ("Witamy, Anna", "Login: anna@firma.pl\n")
    assert templates.list() == []  # the program's e-mails are not among the user's templates
    templates.delete(saved)
    assert templates.system("welcome").id is None


def test_a_system_template_that_fails_to_render_is_a_store_error(db_path: Path) -> None:
    templates = TemplateRepository(Database(db_path))
    with pytest.raises(TemplateRenderError):
        templates.render_system("set_password", {"name": "Anna"})  # no login, no link
