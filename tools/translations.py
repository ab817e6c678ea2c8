"""Keep the Polish catalogue in step with the source.

    python tools/translations.py update   # extract strings, merge them into the .po file
    python tools/translations.py compile  # write the .mo file that ships in the wheel

Untranslated strings are left with an empty msgstr; the test suite fails until they are
translated (tests/test_translations.py), so no English slips into the Polish interface.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tui_crm"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def catalogue_path(language: str = "pl") -> Path:
    return PACKAGE / "locale" / language / "LC_MESSAGES" / "tui_crm.po"


def extract() -> Catalog:
    """Every translatable string in the package, as a template catalogue."""
    template = Catalog(project="tui-crm", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        template.add(message, None, [(f"tui_crm/{filename}", lineno)], auto_comments=comments, context=context)
    # Babel reads the token stream, and before Python 3.12 an f-string is a single token, so
    # f"{_('yours')}" is invisible to it; those calls are found in the syntax tree instead
    # (``Catalog.add`` merges a message babel did see, so nothing is listed twice).
    for path in sorted(PACKAGE.rglob("*.py")):
        for lineno, message in _calls_in_fstrings(path):
            template.add(message, None, [(path.relative_to(ROOT).as_posix(), lineno)])
    return template


def translation_calls(path: Path) -> Iterator[tuple[ast.Call, bool]]:
    """Every ``_(…)`` / ``ngettext(…)`` call in a source file, and whether it sits in an f-string."""

    def walk(node: ast.AST, in_fstring: bool) -> Iterator[tuple[ast.Call, bool]]:
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in KEYWORDS:
                yield node, in_fstring
        for child in ast.iter_child_nodes(node):
            yield from walk(child, in_fstring or isinstance(node, ast.JoinedStr))

    yield from walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False)


def literal_message(call: ast.Call) -> str | tuple[str, str] | None:
    """The message of a translation call whose text arguments are plain literals, else None."""
    count = 2 if _call_name(call) == "ngettext" else 1
    texts = call.args[:count]
    if len(texts) < count or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in texts):
        return None
    values = [a.value for a in texts]  # type: ignore[attr-defined]
    return values[0] if count == 1 else (values[0], values[1])


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _calls_in_fstrings(path: Path) -> Iterator[tuple[int, str | tuple[str, str]]]:
    for call, in_fstring in translation_calls(path):
        message = literal_message(call) if in_fstring else None
        if message is not None:
            yield call.lineno, message


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
