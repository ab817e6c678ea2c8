"""A QR code drawn in the terminal with half-block characters (two modules per character cell),
so the operator can scan a chat or call link with a phone, even over SSH."""

from __future__ import annotations

import segno
from textual.widgets import Static

QUIET_ZONE = 1  # light modules around the code; 1 keeps a version-6 code inside 24 rows


def qr_lines(data: str) -> list[str]:
    """The code as text: "█" is a light module pair, " " a dark one (the widget is drawn light on
    dark, so the blocks are the paper); "▀" / "▄" light on top / bottom only."""
    code = segno.make(data, error="l", micro=False)
    rows = [[not dark for dark in row] for row in code.matrix_iter(scale=1, border=QUIET_ZONE)]
    if len(rows) % 2:
        rows.append([True] * len(rows[0]))
    chars = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    return ["".join(chars[top, bottom] for top, bottom in zip(upper, lower, strict=True))
            for upper, lower in zip(rows[::2], rows[1::2], strict=True)]


class QrCode(Static):
    """``QrCode(link)``: the code of ``link``; plain text, never markup."""

    DEFAULT_CSS = """
    QrCode { width: auto; height: auto; color: white; background: black; }
    """

    def __init__(self, data: str, *, id: str | None = None, classes: str | None = None) -> None:
        self.data = data
        lines = qr_lines(data)
        self.rows = len(lines)  # a code cut by the screen's edge cannot be scanned: screens check this
        super().__init__("\n".join(lines), markup=False, id=id, classes=classes)
