"""Documents from templates: an organization's data (and its representative's) poured into a
text, Markdown or HTML file the user wrote (seed 000).

Templates are Jinja2 files rendered in a sandbox: a template can only read the variables it is
given (plain values, no internals), cannot call into Python and cannot change anything. An
unknown variable is an error, never silently empty text, and every problem is reported as a
``TemplateProblem`` that names the template file and the line.

Variables (see ``build_context``)::

    organization      .name .nip .regon .street .postal_code .city .country .address
                      .phones .emails (lists) .phone .email (the first ones)
    representative    the first person who may represent it (empty when there is none:
                      ``{% if representative %}`` is false, using a field is a clear error)
    representatives   every person who may represent it
    primary_contact   the primary contact person (same fields, same rule when there is none)
    contact_persons   all contact persons
                      person fields: .first_name .last_name .full_name .position .role
                      .email .phone .primary .may_represent .may_collect_mail
    operator          who generates the document (the user name of the session)
    today             today's date; ``{{ today|date }}``, ``{{ today|date("long") }}``

Blocks (``{% if %}``, ``{% for %}``) leave no empty lines behind (``trim_blocks``,
``lstrip_blocks``), so text and Markdown templates read naturally.
"""

from __future__ import annotations

import operator as _operator
import re
import traceback
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    select_autoescape,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import missing
from stdnum.pl import nip as _stdnum_nip

from tui_crm import i18n
from tui_crm.i18n import _, os_reason

from .contact import Address, Contact
from .contact_persons import ContactPersonLink
from .template_errors import syntax_error
from .text import fold
from .validation import format_phone

#: File name endings of templates; only ``.html`` ones are HTML-escaped.
TEMPLATE_SUFFIXES = (".txt", ".md", ".html")

#: The example templates that ship with the program (the default templates folder).
SHIPPED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: A template may not build strings or lists longer than this (``"x" * 10**12``).
MAX_SEQUENCE = 1_000_000
#: Nor raise numbers to powers larger than this (``10 ** 10 ** 10``).
MAX_EXPONENT = 1_000
#: ... nor compute integers longer than this many bits (``(10 ** 999) ** 999``).
MAX_POWER_BITS = 100_000


class TemplateProblem(Exception):
    """A template could not be rendered; ``str(problem)`` is a complete message for the user.

    ``template`` is the file's name (relative to the templates folder), ``line`` the line the
    problem is on (None when it is not about one line, e.g. an unreadable file).
    """

    def __init__(self, template: str, line: int | None, reason: str) -> None:
        self.template = template
        self.line = line
        self.reason = reason
        if line is None:
            message = _("Template “{template}”: {reason}").format(template=template, reason=reason)
        else:
            message = _("Template “{template}”, line {line}: {reason}").format(template=template, line=line, reason=reason)
        super().__init__(message)


# -- the variables ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganizationVars:
    """``organization`` in a template."""

    name: str
    nip: str
    regon: str
    street: str
    postal_code: str
    city: str
    country: str
    address: str  # the first address on one line: "ul. Długa 5, 61-001 Poznań"
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class PersonVars:
    """``representative``, ``primary_contact`` and each of ``representatives`` / ``contact_persons``."""

    first_name: str
    last_name: str
    full_name: str
    position: str
    role: str
    email: str
    phone: str
    primary: bool
    may_represent: bool
    may_collect_mail: bool


class _Undefined(StrictUndefined):
    """StrictUndefined whose messages are translated and say what is wrong in the user's terms."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        if self._undefined_obj is missing:
            return _("unknown variable “{name}”").format(name=self._undefined_name)
        if not isinstance(self._undefined_name, str):
            return _("there is no item {index}").format(index=self._undefined_name)
        return _("unknown field “{name}”").format(name=self._undefined_name)


class MissingValue(_Undefined):
    """A variable that exists but has no value for this organization (no representative, …).

    It is false in ``{% if %}`` and empty in ``{% for %}``, so a template can check for it;
    anything else (printing it, using a field) fails with the hint it was given.
    """

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


def _first_address(contact: Contact) -> Address:
    return next((a for a in contact.addresses if not a.is_empty()), Address())


def _one_line(address: Address) -> str:
    place = " ".join(p for p in (address.postal_code, address.city) if p)
    return ", ".join(p for p in (address.street, place) if p)


def _nip(raw: str) -> str:
    return _stdnum_nip.format(raw) if raw and raw.isdigit() and len(raw) == 10 else raw


def organization_vars(organization: Contact) -> OrganizationVars:
    address = _first_address(organization)
    phones = tuple(format_phone(p.number) for p in organization.phones if p.number)
    emails = tuple(e.address for e in organization.emails if e.address)
    return OrganizationVars(
        name=organization.name or organization.display_name,
        nip=_nip(organization.nip),
        regon=organization.regon,
        street=address.street,
        postal_code=address.postal_code,
        city=address.city,
        country=address.country,
        address=_one_line(address),
        phones=phones,
        emails=emails,
        phone=phones[0] if phones else "",
        email=emails[0] if emails else "",
    )


def person_vars(person: Contact, link: ContactPersonLink) -> PersonVars:
    phone = next((p.number for p in person.phones if p.number), "")
    return PersonVars(
        first_name=person.first_name,
        last_name=person.last_name,
        full_name=person.display_name,
        position=person.position,
        role=link.role,
        email=next((e.address for e in person.emails if e.address), ""),
        phone=format_phone(phone) if phone else "",
        primary=link.primary,
        may_represent=link.may_represent,
        may_collect_mail=link.may_collect_mail,
    )


def build_context(organization: Contact, links: list[ContactPersonLink], persons: dict[int, Contact],
                  operator: str, today: date) -> dict[str, Any]:
    """The variables a template sees for ``organization``.

    ``links`` are its contact-person links (their order is kept: primary first, then by name,
    as ``LinkRepository.of_organization`` gives them), ``persons`` the linked persons by id;
    a link whose person is missing is left out.
    """
    org = organization_vars(organization)
    contact_persons = [person_vars(persons[link.person_id], link) for link in links if persons.get(link.person_id)]
    representatives = [p for p in contact_persons if p.may_represent]
    primary = next((p for p in contact_persons if p.primary), None)
    no_representative = MissingValue(
        hint=_("{organization} has no representative: no contact person is marked “may represent”.").format(organization=org.name),
        name="representative",
    )
    no_primary = MissingValue(
        hint=_("{organization} has no contact persons, so there is no primary contact.").format(organization=org.name),
        name="primary_contact",
    )
    return {
        "organization": org,
        "representatives": representatives,
        "representative": representatives[0] if representatives else no_representative,
        "primary_contact": primary if primary is not None else no_primary,
        "contact_persons": contact_persons,
        "operator": operator,
        "today": today,
    }


# -- rendering -------------------------------------------------------------------------------


def date_filter(value: date | datetime | str | None, format: str | None = None, language: str | None = None) -> str:
    """``{{ today|date }}`` in the user's language; ``format`` is "short", "medium", "long",
    "full" or a CLDR pattern such as "dd.MM.yyyy"; ``language`` ("pl", "en") fixes the
    language of a template written in one, e.g. ``today|date("long", "pl")``."""
    if format is None and language is None:
        return i18n.format_date(value)
    from babel.dates import format_date as babel_format_date

    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return babel_format_date(value, format=format or "medium", locale=i18n.babel_locale(language))


def _too_long(value: Any, times: Any) -> bool:
    return isinstance(value, (str, list, tuple)) and isinstance(times, int) and len(value) * times > MAX_SEQUENCE


def _too_large(base: Any, exponent: Any) -> bool:
    if not isinstance(exponent, (int, float)):
        return False
    if abs(exponent) > MAX_EXPONENT:
        return True
    return isinstance(base, int) and isinstance(exponent, int) and base.bit_length() * exponent > MAX_POWER_BITS


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox (no internals, no changes to lists or dicts) with translated refusals
    and a cap on the two operators that can exhaust the memory in one expression."""

    intercepted_binops = frozenset({"*", "**"})

    def unsafe_undefined(self, obj: Any, attribute: str) -> _Undefined:
        return self.undefined(
            _("“{name}” cannot be used in a template (blocked for safety).").format(name=attribute),
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*" and (_too_long(left, right) or _too_long(right, left)):
            raise SecurityError(_("the text or list would be too long."))
        if operator == "**" and _too_large(left, right):
            raise SecurityError(_("the number would be too large."))
        return {"*": _operator.mul, "**": _operator.pow}[operator](left, right)


def _environment(folder: Path) -> _Sandbox:
    env = _Sandbox(
        loader=FileSystemLoader(folder, encoding="utf-8-sig"),
        undefined=_Undefined,
        autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=(), default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=0,
    )
    env.filters["date"] = date_filter
    return env


def render_template(path: Path, context: dict[str, Any]) -> str:
    """``path`` rendered with ``context``; raises ``TemplateProblem`` on any error.

    Other templates of the same folder may be included (``{% include "stopka.md" %}``);
    nothing outside that folder can be reached.
    """
    path = Path(path)
    folder = path.parent.resolve()
    try:
        template = _environment(folder).get_template(path.name)
        return template.render(context)
    except TemplateSyntaxError as error:
        raise TemplateProblem(error.name or path.name, *syntax_error(error)) from None
    except TemplateNotFound as error:
        template_name, line = _where(error, folder, path.name)
        if error.name == path.name:
            raise TemplateProblem(path.name, None, _("the file does not exist (any more).")) from None
        reason = _("the included template “{name}” does not exist.").format(name=error.name)
        raise TemplateProblem(template_name, line, reason) from None
    except UnicodeDecodeError:
        raise TemplateProblem(path.name, None, _("the file is not UTF-8 text.")) from None
    except OSError as error:
        reason = _("the file cannot be read: {reason}").format(reason=os_reason(error))
        raise TemplateProblem(path.name, None, reason) from None
    except (UndefinedError, SecurityError, TemplateError) as error:
        template_name, line = _where(error, folder, path.name)
        raise TemplateProblem(template_name, line, error.message or str(error)) from None
    except RecursionError as error:
        template_name, line = _where(error, folder, path.name)
        raise TemplateProblem(template_name, line, _("the template calls itself without end.")) from None
    except Exception as error:  # a template can raise anything (1/0, "a" + 1, …)
        template_name, line = _where(error, folder, path.name)
        raise TemplateProblem(template_name, line, _("error: {detail}").format(detail=error)) from None


def _where(error: BaseException, folder: Path, default: str) -> tuple[str, int | None]:
    """(template name, line) of the innermost template frame of ``error``'s traceback.

    Jinja rewrites the traceback of a rendering error so that template code shows up as
    frames of the template file at the template's line.
    """
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        try:
            relative = Path(frame.filename).resolve().relative_to(folder)
        except ValueError:
            continue
        if relative.suffix.lower() in TEMPLATE_SUFFIXES:
            return relative.as_posix(), frame.lineno
    return default, None


def list_templates(folder: Path) -> list[Path]:
    """The template files directly in ``folder`` (not hidden ones), by name; [] if unreadable."""
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return []
    templates = [p for p in entries if p.suffix.lower() in TEMPLATE_SUFFIXES and not p.name.startswith(".") and p.is_file()]
    return sorted(templates, key=lambda p: (fold(p.name), p.name))


# -- output files ----------------------------------------------------------------------------

_NOT_SAFE = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 50


def slug(text: str) -> str:
    """``text`` as a safe file-name part: lower-case ASCII letters, digits and dashes."""
    value = _NOT_SAFE.sub("-", fold(text)).strip("-")
    return value[:MAX_SLUG].rstrip("-")


def output_name(template: Path, organization: Contact | OrganizationVars, today: date) -> str:
    """The file name of a generated document: "umowa-hurtownia-lodz-2026-11-25.md"."""
    template = Path(template)
    parts = (slug(template.stem) or "document", slug(organization.name), today.isoformat())
    return "-".join(p for p in parts if p) + template.suffix.lower()


# -- generated documents ---------------------------------------------------------------------


@dataclass(slots=True)
class GeneratedDocument:
    """One document generated for an organization, as recorded in the "documents" table."""

    organization_id: int
    template: str  # the template's file name
    path: str  # where the document was written (absolute)
    created_at: str = ""
    created_by: str = ""
    id: int | None = None

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("id")
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any], document_id: int | None = None) -> GeneratedDocument:
        values = {k: doc[k] for k in ("organization_id", "template", "path", "created_at", "created_by") if k in doc}
        return cls(**values, id=document_id)
