"""Translations and locale-aware formatting.

UI text is written in English and passed through ``_``; the Polish catalogue ships in
``tui_crm/locale``. ``setup`` must run before the UI modules are imported, because class-level
strings (bindings, titles) are translated when their module loads.
"""

from __future__ import annotations

import errno
import gettext
import os
from datetime import date, datetime
from pathlib import Path

DOMAIN = "tui_crm"
LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("en", "pl")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _code(locale_name: str) -> str:
    return locale_name.split("_")[0].split(".")[0].split("@")[0].lower()


def detect_language() -> str:
    """The interface language from the environment, as gettext reads it.

    The locale is the first set of LC_ALL, LC_MESSAGES, LANG; LANGUAGE (a colon-separated
    list of preferences) overrides it unless the locale is C/POSIX.
    """
    env = os.environ
    locale_name = next((env[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(v)), "")
    if _code(locale_name) in ("c", "posix"):
        return "en"
    for candidate in env.get("LANGUAGE", "").split(":"):
        if _code(candidate) in SUPPORTED:
            return _code(candidate)
    code = _code(locale_name)
    return code if code in SUPPORTED else "en"


def setup(language: str | None = None) -> str:
    """Choose the language (``None``: from the environment) and load its catalogue."""
    global _translation, _language
    _language = language if language in SUPPORTED else detect_language()
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[_language], fallback=True
    )
    return _language


def language() -> str:
    return _language


def babel_locale(language: str | None = None) -> str:
    """Babel's locale for ``language`` (default: the interface language)."""
    return {"pl": "pl_PL", "en": "en_GB"}.get(language or _language, "en_GB")


def _(message: str) -> str:
    # gettext's translation of "" is the catalogue's header ("Project-Id-Version: …"): never shown
    return _translation.gettext(message) if message else message


def translate_marked(message: str) -> str:
    """The translation of a string marked elsewhere with ``N_`` (kept in data, translated when shown)."""
    return _translation.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def format_date(value: date | datetime | str | None) -> str:
    from babel.dates import format_date as babel_format_date

    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return babel_format_date(value, format="medium", locale=babel_locale())


def format_datetime(value: datetime | str | None) -> str:
    """A stored UTC timestamp, shown in the machine's local time zone."""
    from babel.dates import format_datetime as babel_format_datetime

    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return babel_format_datetime(value.astimezone(), format="short", locale=babel_locale())


def format_number(value: float | int) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale())


def format_percent(value: float) -> str:
    return f"{format_number(value)} %"


def os_reason(error: BaseException) -> str:
    """Why a file could not be read or written, in the interface language (the usual cases;
    else the system's own words, which are English whatever the interface)."""
    code = getattr(error, "errno", None)
    reasons = {
        errno.ENOENT: _("no such file or folder"),
        errno.EISDIR: _("it is a folder"),
        errno.ENOTDIR: _("a part of the path is not a folder"),
        errno.EACCES: _("no permission"),
        errno.EPERM: _("no permission"),
        errno.EROFS: _("the disk is read-only"),
        errno.ENOSPC: _("the disk is full"),
        errno.EEXIST: _("it already exists"),
    }
    if code in reasons:
        return reasons[code]
    return str(getattr(error, "strerror", None) or error)
