"""Message templates, shared through the database file ("message_templates" table).

The program's own e-mails (welcome, set password) are templates too: until someone edits one,
its shipped text (``default_system_template``) is used; an edited one is stored like the others
with its ``kind`` and can be reset (deleted) to the shipped text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tui_crm.domain.documents import TemplateProblem
from tui_crm.domain.messages import (
    SYSTEM_KINDS,
    MessageError,
    MessageTemplate,
    RenderedMessage,
    default_system_template,
    render_template,
    sample_context,
    validate_template,
)
from tui_crm.domain.text import fold

from .database import Database
from .errors import ConflictError, StoreError
from .timestamps import utc_now

TABLE = "message_templates"


class TemplateRenderError(StoreError):
    """A program e-mail's template cannot be rendered; ``problem`` names the line."""

    def __init__(self, problem: TemplateProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class TemplateRepository:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._table = database.table(TABLE)

    def get(self, template_id: int) -> MessageTemplate | None:
        doc = self._table.raw_get(template_id)
        return None if doc is None else MessageTemplate.from_doc(doc, template_id)

    def list(self, channel: str | None = None) -> list[MessageTemplate]:
        """The user's templates (not the program's e-mails), by name."""
        found = [MessageTemplate.from_doc(doc, i) for i, doc in self._table.raw_items()
                 if not doc.get("kind") and (channel is None or doc.get("channel") == channel)]
        return sorted(found, key=lambda t: (fold(t.name), t.id or 0))

    def system(self, kind: str) -> MessageTemplate:
        """The program's e-mail ``kind`` as edited, else its shipped text (``id`` None)."""
        if kind not in SYSTEM_KINDS:
            raise ValueError(f"unknown system template {kind!r}")
        stored = next((MessageTemplate.from_doc(doc, i) for i, doc in self._table.raw_items() if doc.get("kind") == kind), None)
        return stored or default_system_template(kind)

    def render_system(self, kind: str, context: dict[str, Any]) -> RenderedMessage:
        try:
            return render_template(self.system(kind), context)
        except TemplateProblem as problem:
            raise TemplateRenderError(problem) from None

    def save(self, template: MessageTemplate, *, author: str, today: date | None = None) -> MessageTemplate:
        """Add (``id`` None) or update a template edited from ``version``.

        Raises ``MessageError`` / ``TemplateProblem`` (with the line) for a template that does
        not render with sample data, ``ConflictError`` if someone else saved it meanwhile.
        """
        validate_template(template)
        render_template(template, sample_context(template.kind, operator=author, today=today))
        with self.database.write() as batch:
            if template.id is None and template.kind:
                existing = next((i for i, doc in self._table.raw_items() if doc.get("kind") == template.kind), None)
                if existing is not None:  # edited by someone else just now
                    raise ConflictError(self._table.raw_get(existing))
            if template.id is not None:
                current = self._table.raw_get(template.id)
                if current is None or current.get("version") != template.version:
                    raise ConflictError(current)
            saved = MessageTemplate.from_doc(template.to_doc())
            saved.id = template.id if template.id is not None else batch.new_id(TABLE)
            saved.version = template.version + 1
            saved.updated_at, saved.updated_by = utc_now(), author
            batch.put(TABLE, saved.id, saved.to_doc())
        return saved

    def delete(self, template: MessageTemplate) -> None:
        """Delete a template (a program e-mail goes back to its shipped text)."""
        if template.id is None:
            return
        with self.database.write() as batch:
            current = self._table.raw_get(template.id)
            if current is None:
                return
            if current.get("version") != template.version:
                raise ConflictError(current)
            batch.remove(TABLE, template.id)


__all__ = ["MessageError", "TemplateRenderError", "TemplateRepository", "context_for"]


def context_for(contacts: Any, links: Any, contact: Any, *, operator: str, today: date) -> dict[str, Any]:
    """The template variables for writing to ``contact``: its organization (a person's link) and
    that organization's primary contact person."""
    from tui_crm.domain.messages import message_context

    organization = None
    if contact.is_person and contact.id is not None:
        link = links.of_person(contact.id)
        organization = contacts.get(link.organization_id) if link else None
    else:
        organization = contact
    primary = None
    if organization is not None and organization.id is not None:
        primary_link = links.primary_of(organization.id)
        primary = contacts.get(primary_link.person_id) if primary_link else None
    return message_context(contact, organization=organization, primary_contact=primary, operator=operator, today=today)
