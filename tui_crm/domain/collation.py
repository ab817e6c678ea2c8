"""Locale-aware sorting of names without ICU.

``sort_key`` turns a text into a string whose plain (code point) comparison gives the order of
the language: in Polish the letters ą ć ę ł ń ó ś ź ż are letters of their own, each right after
its base letter (so "Łukasz" comes after "Lucyna" and "Ćwik" after "Czajka"); in other languages
diacritics are ignored (``"Łukasz"`` sorts as ``"lukasz"``). Case is ignored too. Texts equal
under those rules are ordered by their code points, so the order is always total and stable.

The key is ``primary + "\\x00" + text``. In the primary part every letter becomes one character
from a block of its own, ``U+0080`` up, in alphabetical order, above digits, spaces and
punctuation (which keep their ASCII code) and below other scripts (which keep their code):
spaces < punctuation < digits < Latin letters < Greek, Cyrillic, ... Building it is one
``str.translate`` (or, for the usual Latin text, a C charmap codec plus ``bytes.translate``).
"""

from __future__ import annotations

import codecs
from typing import Callable, Iterable, TypeVar

from tui_crm.domain import text as _text

T = TypeVar("T")

POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
LATIN_ALPHABET = "abcdefghijklmnopqrstuvwxyz"

_LETTER_BASE = 0x80
#: Where the letter block ends; characters of the text that fall in the block are moved out.
_BLOCK_END = _LETTER_BASE + len(POLISH_ALPHABET)  # 0xA3


def _language_group(language: str) -> str:
    code = (language or "").strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return "pl" if code == "pl" else ""


class _KeyTable(dict):
    """A ``str.translate`` table for one alphabet, filled in as characters are met."""

    def __init__(self, alphabet: str) -> None:
        super().__init__()
        self.rank = {letter: chr(_LETTER_BASE + i) for i, letter in enumerate(alphabet)}
        # Upper-case ASCII letters go through fold_char; the other letters of the alphabet
        # (ą, ł, ...) must be looked up before folding strips them.
        self.own = {letter for letter in alphabet if not letter.isascii()}

    def key_char(self, char: str) -> str:
        folded = char.casefold()
        if folded in self.own:
            return self.rank[folded]
        out = []
        for c in _text.fold_char(char):
            if c in self.rank:
                out.append(self.rank[c])
            elif c == "\x00" or "\x80" <= c < "\xa0":
                out.append("\x01")  # control characters; "\x00" is the key's separator
            elif "\xa0" <= c < chr(_BLOCK_END):  # no-break space, ¡, ¢: out of the block
                out.append(chr(_BLOCK_END))
            else:
                out.append(c)
        return "".join(out)

    def __missing__(self, key: int) -> str:
        value = self.key_char(chr(key))
        self[key] = value
        return value


class _Collator:
    def __init__(self, alphabet: str) -> None:
        self.table = _KeyTable(alphabet)
        # Fast path: the characters of text.fold's charmap codec, one byte each, then one
        # bytes.translate to the key characters (all of which are below U+0100).
        fast_chars = [chr(i) for i in range(128)] + list(_text._FAST_LETTERS)
        self.encoding = _text._FAST_ENCODING
        key_bytes = bytearray(256)
        for i, char in enumerate(fast_chars):
            key = self.table.key_char(char)
            assert len(key) == 1 and ord(key) < 256, (char, key)
            key_bytes[i] = ord(key)
        self.key_bytes = bytes(key_bytes)

    def primary(self, text: str) -> str:
        try:
            encoded = codecs.charmap_encode(text, "strict", self.encoding)[0]
        except UnicodeEncodeError:
            return text.translate(self.table)
        return encoded.translate(self.key_bytes).decode("latin-1")


_BY_ALPHABET: dict[str, _Collator] = {}
_BY_LANGUAGE: dict[str, _Collator] = {}


def _collator(language: str) -> _Collator:
    collator = _BY_LANGUAGE.get(language)
    if collator is None:
        alphabet = POLISH_ALPHABET if _language_group(language) == "pl" else LATIN_ALPHABET
        collator = _BY_ALPHABET.get(alphabet)
        if collator is None:
            collator = _BY_ALPHABET[alphabet] = _Collator(alphabet)
        _BY_LANGUAGE[language] = collator
    return collator


def sort_key(text: str, language: str) -> str:
    """A key whose ordinary string comparison sorts ``text`` the way ``language`` does.

    ``language`` is a code such as ``"pl"``, ``"pl_PL"`` or ``"en"``; Polish has its own
    alphabet, every other language the Latin one with diacritics ignored.

    The empty text has the empty key (the smallest of all), so ``sort_key(x, lang) or
    sentinel`` can move empty values elsewhere; every other text has a non-empty key, and two
    different texts never share one.
    """
    if not text:
        return ""
    return _collator(language).primary(text.strip()) + "\x00" + text


def sorted_by(items: Iterable[T], key_fn: Callable[[T], str], language: str) -> list[T]:
    """``items`` sorted by ``key_fn(item)`` in the order of ``language``."""
    primary = _collator(language).primary

    def key(item: T) -> str:
        value = key_fn(item)
        return primary(value.strip()) + "\x00" + value if value else ""

    return sorted(items, key=key)
