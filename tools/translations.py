"""Keep the Polish catalogue in step with the source.

    python tools/translations.py update   # extract strings, merge them into the .po file
    python tools/translations.py compile  # write the .mo file that ships in the wheel

Untranslated strings are left with an empty msgstr; the test suite fails until they are
translated (tests/test_translations.py), so no English slips into the Polish interface.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui_crm"
KEYWORDS = {"_": None, "ngettext": (1, 2)}


def catalogue_path(language: str = "pl") -> Path:
    return PACKAGE / "locale" / language / "LC_MESSAGES" / "tui_crm.po"


def extract() -> Catalog:
    """Every translatable string in the package, as a template catalogue."""
    template = Catalog(project="tui-crm", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        template.add(message, None, [(f"tui_crm/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def read(language: str = "pl") -> Catalog:
    with open(catalogue_path(language), "rb") as handle:
        return read_po(handle, locale=language)


def update(language: str = "pl") -> None:
    path = catalogue_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog = read(language) if path.exists() else Catalog(locale=language, project="tui-crm", charset="utf-8")
    catalog.update(extract(), no_fuzzy_matching=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)


def compile_mo(language: str = "pl") -> None:
    with open(catalogue_path(language).with_suffix(".mo"), "wb") as handle:
        write_mo(handle, read(language))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_mo()
    else:
        sys.exit(__doc__)
