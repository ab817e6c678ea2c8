"""Client portal access (seed 003): passwords, one-time set-password tokens, the e-mails.

Security rules kept here, independent of storage and UI:

* a password is stored only as an Argon2id hash (argon2-cffi's RFC 9106 low-memory profile);
  the clear text exists only while the user types it and while it is hashed;
* a set-password token is 32 random bytes (``secrets.token_urlsafe``); the link stores only
  its SHA-256 hash and expiry, the token itself travels only in the e-mail;
* a token is valid for 48 hours, compared in constant time, and used once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tui_crm.i18n import _, format_datetime

from .contact_persons import PERMISSIONS, PortalAccess
from .validation import FieldError, normalize_email

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_PASSWORD_LENGTH = 8
TOKEN_LIFETIME = timedelta(hours=48)
TOKEN_BYTES = 32

#: The link in the set-password e-mail; the portal (a later issue) resolves it.
SET_PASSWORD_LINK = "tui-crm://set-password?token={token}"

_hasher: PasswordHasher | None = None


class PasswordRuleError(ValueError):
    """The password breaks a rule; ``str(error)`` is a translated sentence for the user."""


class TokenError(ValueError):
    """The set-password token is unknown, already used or expired (translated message)."""


# -- passwords -------------------------------------------------------------------------------


def _normalized(password: str) -> str:
    """NFKC, as NIST SP 800-63B advises: "ł" typed precomposed or decomposed is the same password."""
    return unicodedata.normalize("NFKC", password)


def password_length(password: str) -> int:
    """Characters as the user sees them: a letter typed with a combining accent counts once."""
    return len(unicodedata.normalize("NFC", password))


def check_password(password: str, repeat: str | None = None) -> None:
    """Raise ``PasswordRuleError`` unless ``password`` may be used (and equals ``repeat``, if given)."""
    if password_length(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRuleError(
            _("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)
        )
    if repeat is not None and _normalized(repeat) != _normalized(password):
        raise PasswordRuleError(_("The passwords do not match."))


def _default_hasher() -> PasswordHasher:
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher  # imported late: not needed to start the app

        _hasher = PasswordHasher()  # Argon2id, t=3, m=64 MiB, p=4 (RFC 9106 low-memory)
    return _hasher


def hash_password(password: str, *, hasher: PasswordHasher | None = None) -> str:
    """The Argon2id hash to store ("$argon2id$v=19$…"); a new random salt every time.

    ``hasher`` is for tests that need many cheap hashes; verification reads the parameters
    from the hash itself, so such hashes still verify with ``verify_password``.
    """
    return (hasher or _default_hasher()).hash(_normalized(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False for an empty or malformed hash."""
    if not password_hash:
        return False
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _default_hasher().verify(password_hash, _normalized(password))
    except (VerificationError, InvalidHashError):
        return False


# -- one-time set-password tokens ------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def issue_set_password_token(now: datetime) -> tuple[str, str, str]:
    """(token for the e-mail, its SHA-256 hash to store, expiry as ISO 8601 UTC)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = (_aware(now) + TOKEN_LIFETIME).isoformat(timespec="seconds")
    return token, _token_hash(token), expires_at


def token_valid(portal: PortalAccess, token: str, now: datetime) -> bool:
    """Whether ``token`` is the portal's pending token and ``now`` is before its expiry."""
    if not portal.token_hash or not portal.token_expires_at or not token:
        return False
    try:
        expires_at = datetime.fromisoformat(portal.token_expires_at)
    except ValueError:
        return False
    if expires_at.tzinfo is None or _aware(now) >= expires_at:
        return False
    return hmac.compare_digest(_token_hash(token).encode("ascii"), portal.token_hash.encode("ascii", "replace"))


def consume_token(portal: PortalAccess) -> None:
    """Forget the pending token: each token works once."""
    portal.token_hash = ""
    portal.token_expires_at = ""


def set_password_with_token(portal: PortalAccess, token: str, password: str, now: datetime) -> None:
    """What the portal does with a set-password link: check, hash, use the token up.

    Raises ``TokenError`` or ``PasswordRuleError`` and then changes nothing.
    """
    if not token_valid(portal, token, now):
        raise TokenError(_("This link is invalid, already used or expired; ask for a new one."))
    check_password(password)
    portal.password_hash = hash_password(password)
    consume_token(portal)


# -- the form as a whole --------------------------------------------------------------------


def validate_portal_access(login_email: str, password: str | None, *, repeat: str | None = None,
                           send_set_password: bool = False) -> tuple[str, list[FieldError]]:
    """(normalized login e-mail, errors) for the portal-access form.

    Fields: "login_email", "password", "password_repeat". An empty ``password`` (or None)
    keeps the current one. Whether the login is free is for the store to say.
    """
    errors: list[FieldError] = []
    login = login_email.strip()
    if login:
        try:
            login = normalize_email(login)
        except ValueError:
            message = _("An e-mail address needs an @ sign.") if "@" not in login else _("Not a valid e-mail address.")
            errors.append(FieldError("login_email", message))
    elif password or send_set_password:
        errors.append(FieldError("login_email", _("Enter the login e-mail first: the portal access needs it.")))
    if password or repeat:
        try:
            check_password(password or "")
        except PasswordRuleError as error:
            errors.append(FieldError("password", str(error)))
        else:
            if repeat is not None and _normalized(repeat) != _normalized(password or ""):
                errors.append(FieldError("password_repeat", _("The passwords do not match.")))
    return login, errors


# -- defaults --------------------------------------------------------------------------------


def default_permissions(stored: list[str] | None) -> list[str]:
    """Permissions a new contact person gets: the setting (unknown names dropped), else all."""
    if stored is None:
        return list(PERMISSIONS)
    return [name for name in PERMISSIONS if name in stored]


# -- the e-mails -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mail:
    kind: str
    subject: str
    body: str


def welcome_mail(name: str, login_email: str, *, set_password_follows: bool) -> Mail:
    """The welcome e-mail. It never contains a password."""
    lines = [
        _("Hello {name},").format(name=name) if name else _("Hello,"),
        "",
        _("You now have access to our client portal."),
        _("Your login: {login}").format(login=login_email),
        "",
        _("You will receive a separate e-mail with a link to set your password.")
        if set_password_follows
        else _("If you do not know your password, ask us for a link to set one."),
    ]
    return Mail("welcome", _("Welcome to our client portal"), "\n".join(lines) + "\n")


def set_password_mail(name: str, login_email: str, token: str, expires_at: str) -> Mail:
    """The set-password e-mail with the one-time link (the only place the token appears)."""
    lines = [
        _("Hello {name},").format(name=name) if name else _("Hello,"),
        "",
        _("To set the password for your client portal login {login}, open this link:").format(login=login_email),
        "",
        SET_PASSWORD_LINK.format(token=token),
        "",
        _("The link works once and is valid for 48 hours, until {when}.").format(when=format_datetime(expires_at)),
    ]
    return Mail("set_password", _("Set your client portal password"), "\n".join(lines) + "\n")
