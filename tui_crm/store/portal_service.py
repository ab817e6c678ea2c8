"""Saving a contact person's portal access: the link change and the e-mails it queues, at once.

The rules live in ``tui_crm.domain.portal``; this module only orders the steps: validate,
hash the password and issue the token (slow / random, so before taking the lock), then one
write that saves the link and queues the e-mails, so neither is ever saved without the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tui_crm.domain.contact_persons import (
    NOTIFICATIONS,
    PERMISSIONS,
    ContactPersonLink,
    PortalAccess,
)
from tui_crm.domain.messages import SET_PASSWORD, WELCOME
from tui_crm.domain.outbox import OutboxMessage
from tui_crm.domain.portal import (
    SET_PASSWORD_LINK,
    Mail,
    hash_password,
    issue_set_password_token,
    validate_portal_access,
)
from tui_crm.domain.validation import FieldError
from tui_crm.i18n import _, format_datetime

from .errors import StoreError
from .links import LinkError, LinkRepository
from .outbox import OutboxRepository
from .templates import TemplateRepository


class PortalAccessError(StoreError):
    """The form has errors (``errors``: field → message); nothing was saved."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__(_("The portal access has errors; nothing was saved."))


@dataclass
class PortalSaveResult:
    link: ContactPersonLink
    queued: list[OutboxMessage]


def save_portal_access(links: LinkRepository, outbox: OutboxRepository, link: ContactPersonLink, *,
                       password: str | None, send_welcome: bool, send_set_password: bool, author: str,
                       now: datetime | None = None, repeat: str | None = None) -> PortalSaveResult:
    """Save ``link`` (edited from ``link.version``) with its portal settings.

    ``link.portal.login_email``, ``no_welcome_email``, ``permissions`` and ``notifications``
    are taken as edited; ``password`` (None or "": keep the current one) is hashed, never
    stored. ``send_welcome`` queues the welcome e-mail unless ``no_welcome_email``;
    ``send_set_password`` issues a new one-time token (48 hours) and queues its e-mail. An
    empty login e-mail removes the portal access (password and pending token are dropped).

    Raises ``PortalAccessError`` (field errors, the login already used included),
    ``ConflictError`` if the link changed meanwhile, ``TemplateRenderError`` when an edited
    e-mail template cannot be rendered, or another ``StoreError``. The e-mails' texts are the
    templates "welcome" and "set_password" (``TemplateRepository.system``).
    """
    now = now or datetime.now(UTC)
    unknown = (set(link.permissions) - set(PERMISSIONS)) | (set(link.notifications) - set(NOTIFICATIONS))
    if unknown:
        raise ValueError(f"unknown permissions or notifications: {sorted(unknown)}")
    login, errors = validate_portal_access(link.portal.login_email, password, repeat=repeat,
                                           send_set_password=send_set_password)
    if login and all(e.field != "login_email" for e in errors) and links.login_taken(login, except_link_id=link.id):
        errors.insert(0, _login_taken(login))  # in form order
    if errors:
        raise PortalAccessError(errors)

    draft = ContactPersonLink.from_doc(link.to_doc(), link.id)
    if not login:
        draft.portal = PortalAccess(no_welcome_email=link.portal.no_welcome_email)
    draft.portal.login_email = login
    if password:
        draft.portal.password_hash = hash_password(password)
    mails: list[Mail] = []
    person = links.contacts.get(link.person_id)
    templates = TemplateRepository(links.database)
    context = {"name": person.display_name if person else "", "login": login, "operator": author,
               "today": now.date(), "set_password_follows": send_set_password}
    if login and send_welcome and not draft.portal.no_welcome_email:
        mails.append(_mail(templates, WELCOME, context))
    if login and send_set_password:
        token, draft.portal.token_hash, draft.portal.token_expires_at = issue_set_password_token(now)
        mails.append(_mail(templates, SET_PASSWORD, {**context, "link": SET_PASSWORD_LINK.format(token=token),
                                                     "expires_at": format_datetime(draft.portal.token_expires_at)}))
        del token

    try:
        with links.database.write() as batch:
            saved = links.update(draft, author=author, batch=batch)
            queued = [
                outbox.add(to=login, subject=mail.subject, body=mail.body, kind=mail.kind, author=author,
                           contact_id=saved.person_id, link_id=saved.id, batch=batch)
                for mail in mails
            ]
    except LinkError as error:
        if login and links.login_taken(login, except_link_id=link.id):  # taken just now, by another session
            raise PortalAccessError([_login_taken(login)]) from error
        raise
    return PortalSaveResult(saved, queued)


def _mail(templates: TemplateRepository, kind: str, context: dict) -> Mail:
    rendered = templates.render_system(kind, context)
    return Mail(kind, rendered.subject, rendered.body)


def _login_taken(login: str) -> FieldError:
    return FieldError("login_email", _("The login e-mail {email} is already used by another contact.").format(email=login))
