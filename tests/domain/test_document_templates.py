"""Templates: the variables, the sandbox, and errors that name the template and the line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from factories import make_org, make_person

from tui_crm import i18n
from tui_crm.domain.contact import Address, Email, Phone
from tui_crm.domain.contact_persons import ContactPersonLink
from tui_crm.domain.documents import (
    SHIPPED_TEMPLATES,
    TemplateProblem,
    build_context,
    list_templates,
    output_name,
    render_template,
)

TODAY = date(2026, 11, 25)


@pytest.fixture
def context() -> dict:
    org = make_org(
        "Hurtownia Łódź & Syn",
        id=1,
        nip="1234563218",
        regon="123456785",
        addresses=[Address("ul. Piotrkowska 100", "90-001", "Łódź", "PL")],
        phones=[Phone("+48421234567", "work")],
        emails=[Email("biuro@hurtownia.example.pl")],
    )
    prezes = make_person("Żaneta", "Gęślak", id=2, position="Prezes zarządu",
                         emails=[Email("zaneta@hurtownia.example.pl")], phones=[Phone("+48601234567")])
    kowalski = make_person("Jan", "Kowalski", id=3)
    links = [  # as LinkRepository.of_organization gives them: primary first
        ContactPersonLink(3, 1, role="Zakupy", primary=True, may_collect_mail=True),
        ContactPersonLink(2, 1, role="Zarząd", may_represent=True),
    ]
    return build_context(org, links, {2: prezes, 3: kowalski}, "anna", TODAY)


@pytest.fixture
def no_persons() -> dict:
    return build_context(make_org("Biuro Żak", id=9), [], {}, "anna", TODAY)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def render(tmp_path: Path, text: str, context: dict, name: str = "t.md") -> str:
    return render_template(write(tmp_path, name, text), context)


def problem(tmp_path: Path, text: str, context: dict, name: str = "t.md") -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        render(tmp_path, text, context, name)
    return caught.value


def test_variables_render_with_polish_characters(tmp_path, context) -> None:
    text = (
        "{{ organization.name }} | {{ organization.nip }} | {{ organization.regon }}\n"
        "{{ organization.address }} | {{ organization.city }} | {{ organization.phone }} | {{ organization.email }}\n"
        "{{ representative.full_name }} ({{ representative.position }}, {{ representative.role }}) "
        "{{ representative.email }} {{ representative.phone }}\n"
        "{{ primary_contact.first_name }} {{ primary_contact.last_name }}\n"
        "{% for p in contact_persons %}{{ p.full_name }};{% endfor %} {{ representatives|length }}\n"
        "{{ operator }} {{ today }} {{ today|date }} {{ today|date('dd.MM.yyyy') }}\n"
    )
    assert render(tmp_path, text, context).splitlines() == [
        "Hurtownia Łódź & Syn | 123-456-32-18 | 123456785",
        "ul. Piotrkowska 100, 90-001 Łódź | Łódź | 42 123 45 67 | biuro@hurtownia.example.pl",
        "Żaneta Gęślak (Prezes zarządu, Zarząd) zaneta@hurtownia.example.pl 601 234 567",
        "Jan Kowalski",
        "Jan Kowalski;Żaneta Gęślak; 1",
        "anna 2026-11-25 25 Nov 2026 25.11.2026",
    ]
    i18n.setup("pl")
    assert render(tmp_path, "{{ today|date }} / {{ today|date('long') }}", context) == "25 lis 2026 / 25 listopada 2026"


def test_blocks_leave_no_empty_lines(tmp_path, context) -> None:
    text = "A\n{% if representative %}\nB {{ representative.last_name }}\n{% endif %}\nC\n"
    assert render(tmp_path, text, context) == "A\nB Gęślak\nC\n"


def test_a_missing_representative_is_false_and_a_clear_error_when_used(tmp_path, no_persons) -> None:
    text = "{% if representative %}x{% else %}brak{% endif %} {{ representatives|length }} {% for p in representative %}{% endfor %}"
    assert render(tmp_path, text, no_persons) == "brak 0 "
    assert render(tmp_path, "{{ 'tak' if representative is defined else 'nie' }}", no_persons) == "nie"
    found = problem(tmp_path, "Pełnomocnictwo\n\n{{ representative.full_name }}\n", no_persons, "pelnomocnictwo.md")
    assert found.line == 3
    assert str(found) == (
        "Template “pelnomocnictwo.md”, line 3: Biuro Żak has no representative: "
        "no contact person is marked “may represent”."
    )
    assert "no primary contact" in str(problem(tmp_path, "{{ primary_contact }}", no_persons))


def test_unknown_variable_names_the_template_and_line(tmp_path, context) -> None:
    found = problem(tmp_path, "Umowa\n{{ organization.name }}\n\n{{ nazwa_firmy }}\n", context, "umowa.md")
    assert (found.template, found.line) == ("umowa.md", 4)
    assert str(found) == "Template “umowa.md”, line 4: unknown variable “nazwa_firmy”"
    found = problem(tmp_path, "x\n{{ organization.nmae }}", context)
    assert str(found) == "Template “t.md”, line 2: unknown field “nmae”"


def test_syntax_error_names_the_line(tmp_path, context) -> None:
    found = problem(tmp_path, "Umowa\n\n{% if organization.nip %}\nNIP\n", context, "umowa.txt")
    assert found.template == "umowa.txt"
    assert found.line == 3  # where the if opens, not the end of the file where Jinja noticed
    assert str(found) == "Template “umowa.txt”, line 3: “{% if %}” is never closed with “{% endif %}”."
    found = problem(tmp_path, "a\n{{ organization.name }\n", context)
    assert found.line == 2 and "syntax error" in str(found)


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__",
        "''.__class__",
        "organization.__class__.__init__.__globals__",
        "representative.__slots__",
        "today.__reduce__()",
        "cycler.__init__.__globals__",
        "(organization.phones|list).append(1)",
    ],
)
def test_sandbox_blocks_internals(tmp_path, context, expression) -> None:
    found = problem(tmp_path, f"line one\n{{{{ {expression} }}}}\n", context)
    assert found.line == 2
    assert "blocked for safety" in str(found) or "cannot be used" in str(found) or "unsafe" in str(found)


def test_sandbox_caps_huge_values(tmp_path, context) -> None:
    assert "too long" in str(problem(tmp_path, "{{ 'x' * 10 ** 12 }}", context))
    assert "too large" in str(problem(tmp_path, "{{ 10 ** 100000 }}", context))
    assert "too large" in str(problem(tmp_path, "{{ (10 ** 999) ** 999 }}", context))
    assert render(tmp_path, "{{ '-' * 3 }}{{ 2 ** 10 }}", context) == "---1024"


def test_other_runtime_errors_name_the_line(tmp_path, context) -> None:
    found = problem(tmp_path, "a\nb\n{{ 1 / 0 }}", context)
    assert found.line == 3 and "division by zero" in str(found)


def test_included_template_errors_name_the_included_file(tmp_path, context) -> None:
    write(tmp_path, "stopka.md", "Stopka\n{{ podpis }}\n")
    found = problem(tmp_path, "Treść\n{% include 'stopka.md' %}\n", context)
    assert (found.template, found.line) == ("stopka.md", 2)
    found = problem(tmp_path, "Treść\n{% include 'brak.md' %}\n", context)
    assert (found.template, found.line) == ("t.md", 2) and "brak.md" in str(found)
    with pytest.raises(TemplateProblem):  # nothing outside the templates folder
        render(tmp_path, "{% include '../etc/passwd' %}", context)


def test_unreadable_templates(tmp_path, context) -> None:
    (tmp_path / "bin.md").write_bytes(b"\xff\xfe\x00zaz")
    with pytest.raises(TemplateProblem, match="not UTF-8"):
        render_template(tmp_path / "bin.md", context)
    with pytest.raises(TemplateProblem, match="does not exist"):
        render_template(tmp_path / "gone.md", context)


def test_html_is_escaped_and_text_is_not(tmp_path, context) -> None:
    template = "<p>{{ organization.name }} {{ '<b>' }}</p>"
    assert render(tmp_path, template, context, "u.html") == "<p>Hurtownia Łódź &amp; Syn &lt;b&gt;</p>"
    assert render(tmp_path, template, context, "u.md") == "<p>Hurtownia Łódź & Syn <b></p>"
    assert render(tmp_path, template, context, "u.txt") == "<p>Hurtownia Łódź & Syn <b></p>"


def test_list_templates_and_output_name(tmp_path, context) -> None:
    for name in ("umowa.html", "Pełnomocnictwo.md", "notatka.txt", "obraz.png", ".ukryty.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "katalog.md").mkdir()
    assert [p.name for p in list_templates(tmp_path)] == ["notatka.txt", "Pełnomocnictwo.md", "umowa.html"]
    assert list_templates(tmp_path / "nie-ma") == []
    org = make_org("Hurtownia Łódź")
    assert output_name(Path("umowa.md"), org, TODAY) == "umowa-hurtownia-lodz-2026-11-25.md"
    assert output_name(Path("/x/Pełnomocnictwo.HTML"), context["organization"], TODAY) == (
        "pelnomocnictwo-hurtownia-lodz-syn-2026-11-25.html"
    )
    assert output_name(Path("a/../umowa.md"), make_org("../../etc/"), TODAY) == "umowa-etc-2026-11-25.md"


def test_shipped_templates_render(context, no_persons) -> None:
    assert {p.name for p in list_templates(SHIPPED_TEMPLATES)} >= {"pelnomocnictwo.md", "umowa.html"}
    letter = render_template(SHIPPED_TEMPLATES / "pelnomocnictwo.md", context)
    assert "reprezentowana przez **Żaneta Gęślak** (Prezes zarządu)" in letter
    assert "NIP: 123-456-32-18" in letter and "25 Nov 2026" not in letter  # the long date
    contract = render_template(SHIPPED_TEMPLATES / "umowa.html", context)
    assert "Hurtownia Łódź &amp; Syn" in contract and "Żaneta Gęślak – Prezes zarządu" in contract
    assert "Jan Kowalski" in contract
    # without contact persons: the contract still renders, the letter names its problem
    assert "……" in render_template(SHIPPED_TEMPLATES / "umowa.html", no_persons)
    with pytest.raises(TemplateProblem, match="no representative"):
        render_template(SHIPPED_TEMPLATES / "pelnomocnictwo.md", no_persons)


def test_a_template_can_fix_the_language_of_its_dates(tmp_path) -> None:
    from datetime import date

    from tui_crm import i18n
    from tui_crm.domain.documents import date_filter

    i18n.setup("en")
    assert date_filter(date(2026, 11, 25), "long", "pl") == "25 listopada 2026"
    assert date_filter(date(2026, 11, 25), "long") == "25 November 2026"
