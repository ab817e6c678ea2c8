"""Jinja's errors in the user's words and language, pointing at the line to fix.

Jinja reports a syntax error where its reader noticed it, in English: an unclosed ``{{`` is
reported on the line of whatever came next ("expected token 'end of print statement', got
'bye'"). Users of the template editor need the line that holds the mistake, and a sentence
they can act on; messages not known here keep Jinja's text.
"""

from __future__ import annotations

import re

from jinja2 import TemplateSyntaxError

from tui_crm.i18n import _

_PRINT = ("{{", "}}")
_STATEMENT = ("{%", "%}")
_OPEN_BLOCK = re.compile(
    r"(?:Unexpected end of template|Encountered unknown tag '(?P<tag>\w+)')\. Jinja was looking for the following "
    r"tags: .*\. The innermost block that needs to be closed is '(?P<block>\w+)'\.")
_UNKNOWN_TAG = re.compile(r"Encountered unknown tag '(?P<tag>\w+)'\.")
_UNKNOWN_FILTER = re.compile(r"No (?P<what>filter|test) named '(?P<name>[^']+)'\.?")
_GOT = re.compile(r"expected token '[^']*', got '(?P<got>.*)'")
_CHAR = re.compile(r"unexpected char (?P<char>.+) at \d+")


def unclosed_line(source: str, opener: str, closer: str) -> int | None:
    """The line (1-based) of the first ``opener`` that has no ``closer`` before the next one."""
    at = source.find(opener)
    while at != -1:
        end = source.find(closer, at + len(opener))
        following = source.find(opener, at + len(opener))
        if end == -1 or (following != -1 and following < end):
            return source.count("\n", 0, at) + 1
        at = source.find(opener, end + len(closer))
    return None


_TAG = re.compile(r"\{%[-+]?\s*(?P<name>\w+)")
_BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "trans"})


def open_block_line(source: str, block: str, *, before: int | None = None) -> int | None:
    """The line of the innermost ``{% block %}`` still open where Jinja gave up (line ``before``)."""
    stack: list[tuple[str, int]] = []
    for tag in _TAG.finditer(source):
        line = source.count("\n", 0, tag.start()) + 1
        if before is not None and line > before:
            break
        name = tag["name"]
        if name in _BLOCKS:
            stack.append((name, line))
        elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
            stack.pop()
    return next((line for name, line in reversed(stack) if name == block), None)


def syntax_error(error: TemplateSyntaxError, source: str | None = None) -> tuple[int | None, str]:
    """(line, reason) of a syntax error; ``source``: the template's text (else ``error.source``)."""
    message = error.message or str(error)
    source = source if source is not None else (error.source or "")
    line = error.lineno
    if "end of print statement" in message or "end of statement block" in message:
        opener, closer = _PRINT if "print statement" in message else _STATEMENT
        unclosed = unclosed_line(source, opener, closer)
        if unclosed is not None:
            return unclosed, _("“{opener}” is not closed with “{closer}”.").format(opener=opener, closer=closer)
        got = _GOT.search(message)
        if got:
            return line, _("“{text}” does not belong inside “{opener} … {closer}”.").format(
                text=got["got"], opener=opener, closer=closer)
    if found := _OPEN_BLOCK.fullmatch(message):
        block = found["block"]
        line = open_block_line(source, block, before=line) or line
        if found["tag"]:
            return line, _("“{{% {tag} %}}” comes before “{{% {block} %}}” is closed with “{{% end{block} %}}”.").format(
                tag=found["tag"], block=block)
        return line, _("“{{% {block} %}}” is never closed with “{{% end{block} %}}”.").format(block=block)
    if found := _UNKNOWN_TAG.fullmatch(message):
        return line, _("unknown tag “{{% {tag} %}}”.").format(tag=found["tag"])
    if found := _UNKNOWN_FILTER.fullmatch(message):
        if found["what"] == "filter":
            return line, _("unknown filter “{name}” (after |).").format(name=found["name"])
        return line, _("unknown test “{name}” (after is).").format(name=found["name"])
    if found := _CHAR.fullmatch(message):
        return line, _("unexpected character {char} (a quote that is not closed?).").format(char=found["char"])
    if message == "expected name or number":
        return line, _("a name is missing (after a dot?).")
    return line, _("syntax error: {detail}").format(detail=message)

