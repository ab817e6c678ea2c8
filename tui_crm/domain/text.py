"""Text normalization for search: case- and diacritic-insensitive matching.

Everything here runs over every contact at start-up (the search index is rebuilt from the
documents), so it is written for speed: folding is one ``str.translate`` call with a table
whose entries are worked out once per character and cached, and pure-ASCII text takes an even
shorter path.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Any

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

#: what a byte that is not UTF-8 reads as in an imported file: a record holding it is refused
DAMAGED = "\ufffd"

#: Joins the fields of a haystack, so that a query token never matches across two fields.
#: It counts as whitespace for ``str.split``, so it can never be part of a query token.
FIELD_SEPARATOR = "\x1f"

# Letters that Unicode does not decompose into a base letter and a combining mark (so NFKD
# alone would leave them alone), and the common ones that are worth not looking up at all.
# Keys are already case-folded: folding calls ``str.casefold`` first.
_EXPLICIT = {
    # Polish
    "ą": "a", "ć": "c", "ę": "e", "ł": "l", "ń": "n", "ó": "o", "ś": "s", "ź": "z", "ż": "z",
    # German
    "ä": "a", "ö": "o", "ü": "u",
    # Czech, Slovak
    "á": "a", "č": "c", "ď": "d", "é": "e", "ě": "e", "í": "i", "ĺ": "l", "ľ": "l", "ň": "n",
    "ô": "o", "ŕ": "r", "ř": "r", "š": "s", "ť": "t", "ú": "u", "ů": "u", "ý": "y", "ž": "z",
    # Hungarian, Romanian, Baltic, Scandinavian, French, Spanish ...
    "ő": "o", "ű": "u", "ș": "s", "ş": "s", "ț": "t", "ţ": "t", "ă": "a", "â": "a", "î": "i",
    "ā": "a", "ē": "e", "ī": "i", "ū": "u", "ė": "e", "į": "i", "ų": "u", "ģ": "g", "ķ": "k",
    "ļ": "l", "ņ": "n", "å": "a", "à": "a", "ç": "c", "è": "e", "ê": "e", "ë": "e", "ï": "i",
    "ñ": "n", "ò": "o", "õ": "o", "ù": "u", "û": "u", "ÿ": "y", "ì": "i", "ã": "a",
    # no decomposition in Unicode
    "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ø": "o", "ŧ": "t", "ƀ": "b", "ƶ": "z",
    "æ": "ae", "œ": "oe", "þ": "th", "ĸ": "k",
}


def _fold_once(char: str) -> str:
    """One round of folding of one character: case fold, decompose, drop marks, map."""
    out = []
    for c in unicodedata.normalize("NFKD", char.casefold()):
        if unicodedata.combining(c):
            continue
        c = c.casefold()
        out.append(_EXPLICIT.get(c, c))
    return "".join(out)


def _fold_char(char: str) -> str:
    """A character's folded form: ``_fold_once`` repeated until nothing changes any more.

    Repeating makes ``fold`` idempotent even for the rare character whose decomposition
    contains characters that fold further (compatibility forms, letters whose case folding
    decomposes, ...).
    """
    result = char
    for _round in range(8):
        folded = "".join(_fold_once(c) for c in result)
        if folded == result:
            break
        result = folded
    return result


class _FoldTable(dict):
    """A ``str.translate`` table that works out the entry of a character the first time it
    is seen, and keeps it."""

    def __missing__(self, key: int) -> str:
        value = _fold_char(chr(key))
        self[key] = value
        return value


_FOLD_TABLE = _FoldTable({i: chr(i).lower() for i in range(128)})
_FOLD_TABLE.update({ord(k): v for k, v in _EXPLICIT.items()})

# The fast path. ``str.translate`` looks every character up in a dict, which is too slow for
# 100,000 names; a charmap *codec* is a C table instead. It maps each character to one distinct
# byte, so: the 128 ASCII characters to themselves and up to 128 common accented letters
# (both cases) to the bytes 128-255, then ``bytes.translate`` folds those bytes to ASCII.
# Text with any other character (other scripts, "ß", "æ", combining marks) fails to encode
# and takes the general path.
_FAST_LETTERS = "".join(
    c
    for c in (
        # Latin-1 letters, then Polish, Czech, Slovak, Hungarian, Romanian, Baltic
        [chr(i) for i in range(0xC0, 0x100)]
        + list("ĄąĆćĘęŁłŃńŚśŹźŻż" "ČčĎďĚěŇňŘřŠšŤťŮůŽž" "ĹĺĽľŔŕ" "ŐőŰű" "ĂăȘșȚțŞşŢţ")
        + list("ĀāĒēĪīŪūĖėĮįŲųĢģ")
    )
    if len(_fold_char(c)) == 1 and _fold_char(c).isascii() and _fold_char(c).isalpha()
)
assert len(_FAST_LETTERS) <= 128
_FAST_ENCODING = codecs.charmap_build(
    "".join(map(chr, range(128))) + _FAST_LETTERS + "\ufffe" * (128 - len(_FAST_LETTERS))
)
_FAST_BYTES = bytes(
    [ord(_fold_char(chr(i))) for i in range(128)]
    + [ord(_fold_char(c)) for c in _FAST_LETTERS]
    + [0] * (128 - len(_FAST_LETTERS))
)
_charmap_encode = codecs.charmap_encode


def fold(text: str) -> str:
    """``text`` case-folded and without diacritics: ``"Łódź"`` -> ``"lodz"``.

    Idempotent: ``fold(fold(s)) == fold(s)``. The result may be longer than the input
    (``"ß"`` -> ``"ss"``, ``"æ"`` -> ``"ae"``).
    """
    if text.isascii():
        return text.lower()
    try:
        encoded = _charmap_encode(text, "strict", _FAST_ENCODING)[0]
    except UnicodeEncodeError:
        return text.casefold().translate(_FOLD_TABLE)
    return encoded.translate(_FAST_BYTES).decode("ascii")


def fold_char(char: str) -> str:
    """The folded form of one character (what ``fold`` maps it to); used by the collation."""
    return _FOLD_TABLE[ord(char)]


_NON_DIGITS = re.compile(r"[^0-9]+")


def digits(text: str) -> str:
    """Only the ASCII digits of ``text``: ``"+48 601-234-567"`` -> ``"48601234567"``."""
    return _NON_DIGITS.sub("", text)


def _national_digits(e164_digits: str) -> str:
    """The national significant number: the E.164 digits without the country calling code
    (country codes are prefix-free, 1 to 3 digits)."""
    for length in (1, 2, 3):
        if int(e164_digits[:length] or 0) in COUNTRY_CODE_TO_REGION_CODE:
            return e164_digits[length:]
    return ""


def _phone_parts(number: str) -> tuple[str, ...]:
    rest = number[1:]
    if number[:1] == "+" and rest.isascii() and rest.isdigit():  # E.164, the stored form
        number_digits = rest
    else:
        number_digits = digits(number)
        if not number_digits:
            return ()
        if not number.lstrip().startswith("+"):
            return (number_digits,)
    if number_digits.startswith("48"):
        return (number_digits, number_digits[2:])
    national = _national_digits(number_digits)
    return (number_digits, national) if national else (number_digits,)


def search_haystack(doc: dict[str, Any]) -> str:
    """One folded string to search a contact document (``Contact.to_doc()``) in.

    Holds the display name, position, e-mails, phones (E.164 digits without "+" and the
    national digits: ``"48601234567"`` and ``"601234567"``), NIP and REGON digits, tags (also as
    ``"#tag"``), streets and cities, each field separated by ``FIELD_SEPARATOR``.
    """
    parts: list[str] = []
    append = parts.append
    if doc.get("kind") == "organization":
        append(doc.get("name") or "")
    else:
        append(" ".join(p for p in (doc.get("first_name"), doc.get("last_name")) if p))
        position = doc.get("position")
        if position:
            append(position)
    for email in doc.get("emails") or ():
        address = email.get("address")
        if address:
            append(address)
    for phone in doc.get("phones") or ():
        number = phone.get("number")
        if number:
            parts.extend(_phone_parts(number))
    for key in ("nip", "regon"):
        value = doc.get(key)
        if value:
            append(digits(value))
    for tag in doc.get("tags") or ():
        append(tag)
        append("#" + tag)
    for address in doc.get("addresses") or ():
        for key in ("street", "city"):
            value = address.get(key)
            if value:
                append(value)
    return fold(FIELD_SEPARATOR.join(parts))


_PHONE_LIKE = re.compile(r"[0-9+\-() ]*[0-9][0-9+\-() ]*")


def query_tokens(query: str) -> list[str]:
    """The folded tokens of a search query; a contact matches when it contains every one.

    Number-like input is reduced to its digits so it matches the digits in the haystack: a
    whole query such as ``"+48 601 234 567"`` or ``"123-456-32-18"`` becomes one token
    (``"48601234567"``, ``"1234563218"``), and so does each token like ``"601-234"`` in a
    mixed query.
    """
    query = query.strip()
    if _PHONE_LIKE.fullmatch(query):
        return [digits(query)]
    tokens = []
    for token in fold(query).split():
        if _PHONE_LIKE.fullmatch(token):
            token = digits(token)
        tokens.append(token)
    return tokens


def matches(haystack: str, tokens: list[str]) -> bool:
    """Whether every token occurs in the haystack (no tokens: everything matches)."""
    for token in tokens:
        if token not in haystack:
            return False
    return True
