"""A virtualised, keyboard-driven table for very long lists (100,000+ rows).

``VirtualTable`` is a Line API widget: it holds only a list of integer row keys and asks a
``row_provider`` for the cell texts of the rows that are actually on screen. Filtering or sorting
is done by the caller, who hands over a new key list with :meth:`VirtualTable.set_rows`; nothing is
mounted or re-mounted, so swapping 100,000 keys costs about as much as copying a list.

Layout of every line (the content width ``W`` of the widget)::

    ✓ cell-1 cell-2 … cell-n      <- 2-cell marker column, columns separated by one space

Line 0 of the visible region is always the header; row ``i`` of the key list lives at virtual
line ``i + 1`` and the widget scrolls in whole lines, so ``scroll_y`` is the index of the first
visible row.

All cell text is plain text (never parsed as markup) and is cropped / padded by terminal cell
width, so wide characters (emoji, CJK) and combining diacritics keep the columns aligned.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size, clamp
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_crm.i18n import _

__all__ = ["Column", "RowProvider", "VirtualTable"]

RowProvider = Callable[[int], Sequence[str]]
"""Returns the cell texts of the row with the given key (one per column, plain text)."""

MARK_WIDTH = 2
"""Cells taken by the marker column at the left of every line."""

_MARK_GLYPH = "✓ "
# "✓" (U+2713) has East Asian width "neutral": always one cell. "●" is "ambiguous" and is drawn
# two cells wide by terminals in CJK locales, which would shift the whole row.
_NO_MARK = "  "
_ELLIPSIS = "…"
_SORT_ASCENDING = "▲"
_SORT_DESCENDING = "▼"

# C0/C1 control characters (tab, newline, escape, ...) would break the terminal line: show a space.
_CONTROL_TO_SPACE = {code: " " for code in (*range(0x20), *range(0x7F, 0xA0))}


@dataclass(frozen=True, slots=True)
class Column:
    """A table column.

    Attributes:
        key: Identifier of the column (used for ``sort_column`` and ``HeaderSelected``).
        label: Header text (already translated).
        width: Width in cells, or ``None`` for a flexible column sharing the remaining width.
        min_width: Smallest width of a flexible column.
        ratio: Share of the remaining width for a flexible column, relative to other flexible ones.
        align: ``"left"`` or ``"right"`` (numbers, amounts).
    """

    key: str
    label: str
    width: int | None = None
    min_width: int = 4
    ratio: int = 1
    align: Literal["left", "right"] = "left"


def _clean(text: object) -> str:
    """A single-line printable string for a cell."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not text.isprintable():
        text = text.translate(_CONTROL_TO_SPACE)
    return text


def fit_cell(text: str, width: int, align: Literal["left", "right"] = "left") -> str:
    """Crop (with an ellipsis) or pad ``text`` to exactly ``width`` terminal cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length == width:
        return text
    if length < width:
        padding = " " * (width - length)
        return padding + text if align == "right" else text + padding
    if width == 1:
        return set_cell_size(text, 1)
    # set_cell_size replaces a wide character split by the edge with a space.
    return set_cell_size(text, width - 1) + _ELLIPSIS


class VirtualTable(ScrollView, can_focus=True):
    """A table that renders only its visible rows; see the module docstring."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--marked",
    }
    """
    | Class | Description |
    | :- | :- |
    | `virtual-table--header` | The sticky header line. |
    | `virtual-table--cursor` | The row under the cursor. |
    | `virtual-table--marked` | Rows whose key is in `marked`. |
    """

    DEFAULT_CSS = """
    VirtualTable {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
        color: $foreground;

        & > .virtual-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .virtual-table--marked {
            color: $accent;
            text-style: bold;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        &:ansi > .virtual-table--header {
            background: ansi_blue;
            color: ansi_bright_white;
        }
        &:ansi > .virtual-table--marked {
            color: ansi_bright_yellow;
        }
        &:ansi > .virtual-table--cursor {
            background: ansi_bright_black;
            color: ansi_bright_white;
        }
        &:ansi:focus > .virtual-table--cursor {
            background: ansi_cyan;
            color: ansi_black;
        }
        &:nocolor > .virtual-table--cursor {
            text-style: reverse;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", _("Up"), show=False),
        Binding("down", "cursor_down", _("Down"), show=False),
        Binding("pageup", "page_up", _("Page up"), show=False),
        Binding("pagedown", "page_down", _("Page down"), show=False),
        Binding("home", "cursor_home", _("First"), show=False),
        Binding("end", "cursor_end", _("Last"), show=False),
        Binding("enter", "select_cursor", _("Open"), show=False),
    ]

    ROW_CACHE_SIZE: ClassVar[int] = 512
    """How many rows fetched from the row provider are kept (least recently used are dropped)."""

    cursor_row: reactive[int] = reactive(0, repaint=False)
    """Index of the cursor in the key list (0 when the table is empty)."""
    sort_column: reactive[str | None] = reactive(None)
    """Key of the column shown with a sort indicator, or ``None``."""
    sort_reverse: reactive[bool] = reactive(False)
    """``False``: ascending (▲), ``True``: descending (▼)."""

    class Highlighted(Message):
        """The cursor moved to another key (``None``: the table became empty)."""

        def __init__(self, table: VirtualTable, key: int | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Selected(Message):
        """Enter (or a double click) on the row with ``key``."""

        def __init__(self, table: VirtualTable, key: int) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class HeaderSelected(Message):
        """A click on the header of the column ``column_key`` (e.g. to sort by it)."""

        def __init__(self, table: VirtualTable, column_key: str) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        columns: list[Column],
        row_provider: RowProvider,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._columns: tuple[Column, ...] = tuple(columns)
        self._row_provider = row_provider
        self._keys: list[int] = []
        self._row_cache: OrderedDict[int, tuple[str, ...]] = OrderedDict()
        self._widths_for: int | None = None
        self._widths: tuple[int, ...] = ()
        self._last_highlighted: int | None = None
        self.marked: AbstractSet[int] = frozenset()
        """Keys of marked rows; any set (the caller's own, e.g. a basket, is never changed here).
        After replacing it, call ``refresh()``."""
        self.virtual_size = Size(0, 1)

    # ------------------------------------------------------------------ public API

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def row_keys(self) -> Sequence[int]:
        """The current key list (do not mutate; use ``set_rows``)."""
        return self._keys

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def cursor_key(self) -> int | None:
        """Key of the row under the cursor, ``None`` if the table is empty."""
        keys = self._keys
        row = self.cursor_row
        return keys[row] if 0 <= row < len(keys) else None

    def set_columns(self, columns: list[Column]) -> None:
        """Replace the columns (the row provider must return cells in the new order)."""
        self._columns = tuple(columns)
        self._widths_for = None
        self.refresh_rows()

    def set_rows(self, keys: Iterable[int], keep_cursor_key: bool = True) -> None:
        """Show ``keys`` (in this order) instead of the current rows.

        With ``keep_cursor_key`` the cursor stays on the same key if it is still in the list,
        otherwise it keeps its index (clamped to the new length). Without it, the cursor goes to
        the first row and the table scrolls to the top. The row cache is kept: call
        ``refresh_rows`` as well if the data behind the keys has changed.
        """
        old_key = self.cursor_key
        old_row = self.cursor_row
        self._keys = keys = list(keys)
        self.virtual_size = Size(0, len(keys) + 1)
        if not keep_cursor_key:
            row = 0
            if self.scroll_offset.y:
                self.scroll_to(y=0, animate=False, force=True)
        else:
            row = old_row
            if old_key is not None:
                try:
                    row = keys.index(old_key)
                except ValueError:
                    pass
            if self.scroll_offset.y > self.max_scroll_y:
                self.scroll_to(y=self.max_scroll_y, animate=False, force=True)
        row = clamp(row, 0, max(0, len(keys) - 1))
        self.set_reactive(VirtualTable.cursor_row, row)
        self._cursor_moved()
        self.refresh()

    def move_cursor_to_key(self, key: int) -> bool:
        """Put the cursor on ``key``; ``False`` if the key is not shown."""
        try:
            self.cursor_row = self._keys.index(key)
        except ValueError:
            return False
        return True

    def refresh_rows(self, keys: Iterable[int] | None = None) -> None:
        """Forget cached row texts (all, or only ``keys``) and repaint; call after data changes."""
        if keys is None:
            self._row_cache.clear()
        else:
            for key in keys:
                self._row_cache.pop(key, None)
        self.refresh()

    def toggle_mark(self, key: int) -> bool:
        """Mark or unmark ``key``; returns ``True`` if it is now marked."""
        marked = key not in self.marked
        self.marked = self.marked | {key} if marked else self.marked - {key}
        self.refresh()
        return marked

    def clear_marks(self) -> None:
        self.marked = frozenset()
        self.refresh()

    # ------------------------------------------------------------------ actions

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        page = self._visible_row_count()
        self.scroll_to(y=self.scroll_offset.y - page, animate=False, force=True)
        self.cursor_row -= page

    def action_page_down(self) -> None:
        page = self._visible_row_count()
        self.scroll_to(y=self.scroll_offset.y + page, animate=False, force=True)
        self.cursor_row += page

    def action_cursor_home(self) -> None:
        self.cursor_row = 0

    def action_cursor_end(self) -> None:
        self.cursor_row = len(self._keys) - 1

    def action_select_cursor(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def action_toggle_mark(self) -> None:
        """Toggle the mark of the row under the cursor (not bound by default)."""
        key = self.cursor_key
        if key is not None:
            self.toggle_mark(key)

    # ------------------------------------------------------------------ cursor

    def validate_cursor_row(self, row: int) -> int:
        return clamp(row, 0, max(0, len(self._keys) - 1))

    def watch_cursor_row(self, old_row: int, new_row: int) -> None:
        self._cursor_moved()
        self.refresh()

    def _cursor_moved(self) -> None:
        self._scroll_cursor_into_view()
        key = self.cursor_key
        if key != self._last_highlighted:
            self._last_highlighted = key
            self.post_message(self.Highlighted(self, key))

    def _visible_row_count(self) -> int:
        """Rows that fit below the header (at least 1)."""
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        if not self.size or not self._keys:
            return  # not laid out yet: on_resize will do it
        row = self.cursor_row
        top = self.scroll_offset.y
        visible = self._visible_row_count()
        if row < top:
            self.scroll_to(y=row, animate=False, force=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, force=True)

    # ------------------------------------------------------------------ events

    def on_resize(self, event: events.Resize) -> None:
        # Column widths need no invalidation here: they are cached per content width.
        self._scroll_cursor_into_view()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column_key = self._column_at(offset.x)
            if column_key is not None:
                self.post_message(self.HeaderSelected(self, column_key))
            return
        row = offset.y - 1 + self.scroll_offset.y
        if 0 <= row < len(self._keys):
            self.cursor_row = row
            if event.chain >= 2:
                self.action_select_cursor()

    def _column_at(self, x: int) -> str | None:
        position = MARK_WIDTH
        for column, width in zip(self._columns, self._column_widths(self._content_width())):
            if position <= x < position + width + 1:
                return column.key
            position += width + 1
        return None

    # ------------------------------------------------------------------ rendering

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def _column_widths(self, total: int) -> tuple[int, ...]:
        """Widths of the columns for a line ``total`` cells wide (cached per width)."""
        if self._widths_for == total:
            return self._widths
        columns = self._columns
        available = total - MARK_WIDTH - max(0, len(columns) - 1)
        fixed = sum(column.width for column in columns if column.width is not None)
        flexible = [column for column in columns if column.width is None]
        remaining = max(0, available - fixed)
        shares: list[int] = []
        if flexible:
            ratios = [max(1, column.ratio) for column in flexible]
            total_ratio = sum(ratios)
            shares = [remaining * ratio // total_ratio for ratio in ratios]
            for index in range(remaining - sum(shares)):  # hand out the rounding leftovers
                shares[index % len(shares)] += 1
        share_iter = iter(shares)
        widths = tuple(
            max(0, column.width)
            if column.width is not None
            else max(column.min_width, next(share_iter))
            for column in columns
        )
        self._widths_for, self._widths = total, widths
        return widths

    def _get_cells(self, key: int) -> tuple[str, ...]:
        cache = self._row_cache
        cells = cache.get(key)
        if cells is not None:
            cache.move_to_end(key)
            return cells
        try:
            raw = self._row_provider(key)
        except LookupError:  # the record vanished before the caller refreshed the key list
            raw = ()
        cells = tuple(_clean(text) for text in raw)
        cache[key] = cells
        if len(cache) > self.ROW_CACHE_SIZE:
            cache.popitem(last=False)
        return cells

    def _compose_line(self, mark: str, texts: Sequence[str], total: int, header: bool) -> str:
        widths = self._column_widths(total)
        parts = [mark]
        for index, (column, width) in enumerate(zip(self._columns, widths)):
            text = texts[index] if index < len(texts) else ""
            if header and column.key == self.sort_column and width >= 2:
                indicator = _SORT_DESCENDING if self.sort_reverse else _SORT_ASCENDING
                cell = fit_cell(text, width - 2).rstrip() + " " + indicator
                cell = fit_cell(cell, width, column.align)
            else:
                cell = fit_cell(text, width, column.align)
            if index:
                parts.append(" ")
            parts.append(cell)
        line = "".join(parts)
        length = MARK_WIDTH + sum(widths) + max(0, len(widths) - 1)
        if length != total:
            line = set_cell_size(line, total)
        return line

    def render_line(self, y: int) -> Strip:
        total = self._content_width()
        base_style = self.rich_style
        if total <= 0:
            return Strip([])
        if y == 0:
            labels = [column.label for column in self._columns]
            line = self._compose_line(_NO_MARK, labels, total, header=True)
            style = self.get_component_rich_style("virtual-table--header")
            return Strip([Segment(line, style)], total)
        row = y - 1 + self.scroll_offset.y
        keys = self._keys
        if not 0 <= row < len(keys):
            return Strip.blank(total, base_style)
        key = keys[row]
        is_marked = key in self.marked
        line = self._compose_line(
            _MARK_GLYPH if is_marked else _NO_MARK, self._get_cells(key), total, header=False
        )
        if row == self.cursor_row:
            # The full (not partial) style: a translucent cursor background is blended properly.
            style = self.get_component_rich_style("virtual-table--cursor")
        elif is_marked:
            style = self.get_component_rich_style("virtual-table--marked")
        else:
            style = base_style
        return Strip([Segment(line, style)], total)
