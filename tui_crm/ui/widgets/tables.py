"""Small helpers for Textual's DataTable as used by the short lists (trash, outbox, files)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable


def cell(text: str) -> Text:
    """User text for a cell: never markup, and "…" where a narrow column cuts it."""
    return Text(text, overflow="ellipsis", no_wrap=True)


def selected_row_id(table: DataTable) -> int | None:
    """The integer key of the row under the cursor, None for an empty table."""
    if not table.row_count:
        return None
    return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
