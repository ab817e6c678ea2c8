"""Jinja's errors told in the user's words, at the line that holds the mistake."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_crm import i18n
from tui_crm.domain.documents import TemplateProblem
from tui_crm.domain.messages import check_syntax, render_text
from tui_crm.domain.template_errors import unclosed_line


def problem(text: str) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        check_syntax(text, "Oferta")
    return caught.value


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("Line one\nHello {{ contact.name \nbye", 2, "“{{” is not closed with “}}”."),
    ("Hello {{ contact.name ", 1, "“{{” is not closed with “}}”."),
    ("a\n{% if x \nb", 2, "“{%” is not closed with “%}”."),
    ("{{ a b }}", 1, "“b” does not belong inside “{{ … }}”."),
    ("x\n{% for p in y %}\n{% if p %}a{% endif %}\n", 2, "“{% for %}” is never closed with “{% endfor %}”."),
    ("{% if x %}a\n{% endfor %}", 1, "“{% endfor %}” comes before “{% if %}” is closed with “{% endif %}”."),
    ("\n{% foo %}", 2, "unknown tag “{% foo %}”."),
    ("{{ 'abc }}", 1, "unexpected character \"'\" (a quote that is not closed?)."),
])
def test_a_syntax_error_names_the_line_to_fix_and_says_what_is_wrong(text: str, line: int, reason: str) -> None:
    found = problem(text)
    assert (found.line, found.reason) == (line, reason)
    assert str(found) == f"Template “Oferta”, line {line}: {reason}"


def test_an_unknown_filter_is_named_with_its_line() -> None:
    with pytest.raises(TemplateProblem) as caught:
        render_text("Hi\n{{ contact.name|foo }}", {"contact": {"name": "Ala"}}, "Oferta")
    assert (caught.value.line, caught.value.reason) == (2, "unknown filter “foo” (after |).")


def test_an_unknown_variable_or_field_is_named() -> None:
    with pytest.raises(TemplateProblem) as caught:
        render_text("Hi\n{{ kontakt }}", {}, "Oferta")
    assert (caught.value.line, caught.value.reason) == (2, "unknown variable “kontakt”")
    with pytest.raises(TemplateProblem) as caught:
        render_text("{{ contact.nickname }}", {"contact": {}}, "Oferta")
    assert caught.value.reason == "unknown field “nickname”"


def test_the_reasons_are_in_polish_for_polish_users() -> None:
    i18n.setup("pl")
    try:
        found = problem("Dzień dobry {{ contact.name \n")
    finally:
        i18n.setup("en")
    assert found.reason.startswith("„{{”") or "{{" in found.reason
    assert "not closed" not in found.reason and "expected" not in str(found)


@given(st.lists(st.sampled_from(["{{", "}}", "x", "\n", "{% if a %}"]), max_size=12))
def test_unclosed_line_points_at_an_opener_with_no_closer_before_the_next(parts: list[str]) -> None:
    source = "".join(parts)
    line = unclosed_line(source, "{{", "}}")
    if line is None:  # every {{ is closed before the next one opens
        at = source.find("{{")
        while at != -1:
            end, following = source.find("}}", at + 2), source.find("{{", at + 2)
            assert end != -1 and (following == -1 or end < following)
            at = source.find("{{", end + 2)
    else:
        assert 1 <= line <= source.count("\n") + 1
        assert "{{" in source.splitlines()[line - 1]
