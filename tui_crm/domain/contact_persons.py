"""Contact persons: the link between a person and the organization they act for.

A person belongs to at most one organization. Each link carries a role, the authorizations
of seed 000 (contact person, may collect mail, may represent) and, per seed 003, whether the
person is the organization's primary contact, their portal access, permissions and e-mail
notification choices. Every organization with contact persons has exactly one primary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tui_crm.i18n import _

from .contact import compact_record

#: Portal modules a contact person may be allowed to use (seed 003).
PERMISSIONS = ("invoices", "estimates", "contracts", "proposals", "support", "projects")

#: E-mail notifications a contact person may receive (seed 003). "task" is for project tasks only.
NOTIFICATIONS = ("invoice", "credit_note", "estimates", "tickets", "project", "contract", "task")


def permission_label(name: str) -> str:
    return {
        "invoices": _("Invoices"),
        "estimates": _("Estimates"),
        "contracts": _("Contracts"),
        "proposals": _("Proposals"),
        "support": _("Support"),
        "projects": _("Projects"),
    }[name]


def notification_label(name: str) -> str:
    return {
        "invoice": _("Invoice"),
        "credit_note": _("Credit note"),
        "estimates": _("Estimates"),
        "tickets": _("Tickets"),
        "project": _("Project"),
        "contract": _("Contract"),
        "task": _("Task (project tasks only)"),
    }[name]


class Affiliation(NamedTuple):
    """A person's organization and role as an exchange file carries them (vCard ORG and ROLE,
    CSV columns): by the organization's name and the role's label."""

    organization: str = ""
    role: str = ""
    #: the organization's card in the same file (vCard UID), when the file says: names repeat
    organization_uid: str = ""
    #: the link's flags as ``link_flags`` writes them; None when the file does not say
    flags: Mapping[str, Any] | None = None


NO_AFFILIATION = Affiliation()


@dataclass(slots=True)
class PortalAccess:
    login_email: str = ""
    password_hash: str = ""  # Argon2; the password itself is never stored
    no_welcome_email: bool = False
    token_hash: str = ""  # the one-time set-password token, hashed
    token_expires_at: str = ""  # ISO 8601 UTC


@dataclass(slots=True)
class ContactPersonLink:
    person_id: int
    organization_id: int
    role: str = ""
    contact_person: bool = True
    may_collect_mail: bool = False
    may_represent: bool = False
    info: str = ""
    primary: bool = False
    portal: PortalAccess = field(default_factory=PortalAccess)
    permissions: list[str] = field(default_factory=list)
    notifications: list[str] = field(default_factory=list)
    # bookkeeping, set by the store
    id: int | None = None
    version: int = 0
    created_at: str = ""
    created_by: str = ""
    updated_at: str = ""
    updated_by: str = ""

    def to_doc(self) -> dict[str, Any]:
        doc = compact_record(self)
        doc.pop("id", None)
        doc["person_id"], doc["organization_id"] = self.person_id, self.organization_id
        doc["contact_person"] = self.contact_person  # defaults to True: an omitted False would read back as True
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any], link_id: int | None = None) -> ContactPersonLink:
        values = dict(doc)
        values["portal"] = PortalAccess(**doc.get("portal", {}))
        values["permissions"] = list(doc.get("permissions", []))
        values["notifications"] = list(doc.get("notifications", []))
        if link_id is not None:
            values["id"] = link_id
        return cls(**values)


def link_flags(link: ContactPersonLink) -> dict[str, Any]:
    """What an export carries of a link besides the organization and role: the flags, the
    primary mark, the note, permissions and notifications (never the portal login or password)."""
    return {"primary": link.primary, "contact_person": link.contact_person, "may_collect_mail": link.may_collect_mail,
            "may_represent": link.may_represent, "info": link.info, "permissions": list(link.permissions),
            "notifications": list(link.notifications)}


def apply_link_flags(link: ContactPersonLink, flags: Mapping[str, Any]) -> bool:
    """Set what ``flags`` (read from a file: checked, unknown names dropped) says on ``link``;
    returns whether the file marks it the primary contact."""
    for name in ("contact_person", "may_collect_mail", "may_represent"):
        if isinstance(flags.get(name), bool):
            setattr(link, name, flags[name])
    if isinstance(flags.get("info"), str):
        link.info = flags["info"]
    for name, known in (("permissions", PERMISSIONS), ("notifications", NOTIFICATIONS)):
        if isinstance(flags.get(name), list):
            setattr(link, name, [value for value in known if value in flags[name]])
    return flags.get("primary") is True


class LinkRuleError(ValueError):
    """A change that would break a contact-person rule; the message is for the user."""


def check_new_link(person_kind: str, organization_kind: str, existing: ContactPersonLink | None,
                   organization_id: int, *, move: bool) -> None:
    """Raise ``LinkRuleError`` unless the person may be linked to the organization."""
    if person_kind != "person":
        raise LinkRuleError(_("Only a person can be a contact person."))
    if organization_kind != "organization":
        raise LinkRuleError(_("A person can only be linked to an organization."))
    if existing is not None and existing.organization_id == organization_id:
        raise LinkRuleError(_("This person is already a contact person of this organization."))
    if existing is not None and not move:
        raise LinkRuleError(_("This person already belongs to another organization; a person belongs to one organization only."))


def successor_candidates(links: list[ContactPersonLink], leaving_person_id: int) -> list[ContactPersonLink]:
    """Who may become primary when ``leaving_person_id`` leaves the organization's ``links``.

    Empty when no choice is needed: the person is not the primary, or nobody else is left.
    """
    leaving = next((link for link in links if link.person_id == leaving_person_id), None)
    if leaving is None or not leaving.primary:
        return []
    return [link for link in links if link.person_id != leaving_person_id]


def primary_after_unlink(links: list[ContactPersonLink], leaving_person_id: int,
                         successor_id: int | None) -> int | None:
    """Who is primary once ``leaving_person_id`` leaves the organization's ``links``.

    Returns the person id to make primary (None: no change needed, or nobody is left).
    Raises ``LinkRuleError`` when the primary leaves, others remain and no valid successor
    was chosen: an organization with persons is never left without a primary contact.
    """
    candidates = successor_candidates(links, leaving_person_id)
    if not candidates:
        return None
    if successor_id is None or successor_id not in {link.person_id for link in candidates}:
        raise LinkRuleError(_("This is the primary contact: choose who becomes primary instead."))
    return successor_id


def recipients(links: list[ContactPersonLink], notification: str) -> list[int]:
    """Person ids preselected for a notification of this kind (seed 003's invoice example)."""
    if notification not in NOTIFICATIONS:
        raise ValueError(f"unknown notification {notification!r}")
    return [link.person_id for link in links if notification in link.notifications]
