"""The command line speaks the interface language, argparse's own words included."""

from __future__ import annotations

import pytest

from tui_crm import i18n
from tui_crm.cli import main


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.setup("en")


def test_help_and_usage_errors_are_polish_with_lang_pl(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--lang", "pl", "--help"])
    assert done.value.code == 0
    printed = capsys.readouterr().out
    assert printed.startswith("użycie: tui-crm")
    assert "\nopcje:\n" in printed and "pokazuje tę pomoc i kończy" in printed
    assert "usage:" not in printed and "show this help" not in printed
    with pytest.raises(SystemExit) as done:
        main(["--lang", "pl", "import"])
    assert done.value.code == 2
    assert "tui-crm import: błąd: wymagane są argumenty: PLIK" in capsys.readouterr().err


def test_english_stays_english(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    printed = capsys.readouterr().out
    assert printed.startswith("usage: tui-crm") and "\noptions:\n" in printed
