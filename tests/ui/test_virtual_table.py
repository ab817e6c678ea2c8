"""VirtualTable: virtualised rendering, cursor, filtering, sticky header, cell-width alignment."""

from __future__ import annotations

import time

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.strip import Strip

from tui_crm.ui.widgets.virtual_table import Column, VirtualTable, fit_cell

N = 100_000
SIZE = (80, 24)
VISIBLE_ROWS = SIZE[1] - 1  # one line is the header
# Keys are not row indices, so a cursor_key that is really the index shows up.
KEYS = [key * 3 + 7 for key in range(N)]

COLUMNS = [
    Column("name", "Name"),
    Column("city", "City", width=12),
    Column("no", "No", width=7, align="right"),
]


def synthetic_row(key: int) -> tuple[str, str, str]:
    icon = "🚚 " if key % 2 else ""
    return (f"{icon}Łukasz Żółć {key}", "Łódź" if key % 3 else "[b]Gdańsk[/b]", f"#{key}")


class TableApp(App[None]):
    def __init__(self, provider=synthetic_row, keys: list[int] | None = None) -> None:
        super().__init__()
        self.calls: list[int] = []
        self.messages: list[VirtualTable.Highlighted | VirtualTable.Selected] = []
        self.headers: list[str] = []
        self._provider = provider
        self._keys = KEYS if keys is None else keys

    def provide(self, key: int):
        self.calls.append(key)
        return self._provider(key)

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, self.provide, id="table")

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_rows(self._keys)
        table.focus()

    def on_virtual_table_highlighted(self, message: VirtualTable.Highlighted) -> None:
        self.messages.append(message)

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        self.messages.append(message)

    def on_virtual_table_header_selected(self, message: VirtualTable.HeaderSelected) -> None:
        self.headers.append(message.column_key)


def lines(table: VirtualTable) -> list[Strip]:
    return [table.render_line(y) for y in range(table.size.height)]


def first_style(strip: Strip):
    return next(iter(strip)).style


def screen_text(app: App) -> list[str]:
    """What the terminal shows, composited (private API: Textual has no public text export)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def selected(app: TableApp) -> list[int]:
    return [m.key for m in app.messages if isinstance(m, VirtualTable.Selected)]


def highlighted(app: TableApp) -> list[int | None]:
    return [m.key for m in app.messages if isinstance(m, VirtualTable.Highlighted)]


async def test_renders_only_visible_rows() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert table.row_count == N
        assert table.virtual_size.height == N + 1
        screen = screen_text(app)
        assert f"Łukasz Żółć {KEYS[VISIBLE_ROWS - 1]}" in screen[-1]  # the screen really shows rows...
        assert sorted(set(app.calls)) == KEYS[:VISIBLE_ROWS]  # ...and fetched only those
        assert len(app.calls) == VISIBLE_ROWS  # repaints are served from the row cache

        app.calls.clear()
        await pilot.press("end")
        await pilot.pause()
        assert sorted(set(app.calls)) == KEYS[-VISIBLE_ROWS:]
        assert len(app.calls) == VISIBLE_ROWS


async def test_cursor_movement_and_cursor_key() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert (table.cursor_row, table.cursor_key) == (0, KEYS[0])

        await pilot.press("up")  # clamped at the top
        assert table.cursor_row == 0
        await pilot.press("down", "down")
        assert (table.cursor_row, table.cursor_key) == (2, KEYS[2])
        await pilot.press("pagedown")
        assert (table.cursor_row, table.cursor_key) == (2 + VISIBLE_ROWS, KEYS[2 + VISIBLE_ROWS])
        assert table.scroll_offset.y == VISIBLE_ROWS  # a whole page turned, cursor on same line
        await pilot.press("pageup")
        assert (table.cursor_row, table.scroll_offset.y) == (2, 0)

        await pilot.press("end")
        assert (table.cursor_row, table.cursor_key) == (N - 1, KEYS[-1])
        assert table.scroll_offset.y == N - VISIBLE_ROWS
        await pilot.press("down", "pagedown")  # clamped at the bottom
        assert table.cursor_row == N - 1
        await pilot.press("home")
        assert (table.cursor_row, table.scroll_offset.y) == (0, 0)

        # Moving below the last visible line scrolls by one line.
        for _ in range(VISIBLE_ROWS):
            await pilot.press("down")
        assert (table.cursor_row, table.scroll_offset.y) == (VISIBLE_ROWS, 1)

        await pilot.pause()
        assert highlighted(app)[:4] == [KEYS[0], KEYS[1], KEYS[2], KEYS[2 + VISIBLE_ROWS]]
        assert highlighted(app)[-1] == KEYS[VISIBLE_ROWS]


async def test_cursor_row_is_drawn_with_cursor_style() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("down")
        cursor_style = table.get_component_rich_style("virtual-table--cursor")
        styles = [first_style(strip) for strip in lines(table)[1:4]]
        assert styles[1] == cursor_style
        assert styles[0] != cursor_style and styles[2] != cursor_style


async def test_enter_posts_selected() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert selected(app) == [KEYS[2]] == [table.cursor_key]


async def test_click_moves_cursor_and_double_click_selects() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("pagedown")  # scrolled: the click must account for the offset
        await pilot.click(VirtualTable, offset=(5, 3))  # third row on screen
        assert table.cursor_row == VISIBLE_ROWS + 2
        assert selected(app) == []
        await pilot.click(VirtualTable, offset=(5, 4), times=2)
        await pilot.pause()
        assert selected(app) == [KEYS[VISIBLE_ROWS + 3]]
        await pilot.click(VirtualTable, offset=(5, 0))  # header: column "name"
        await pilot.click(VirtualTable, offset=(SIZE[0] - 6, 0))  # column "no"
        await pilot.pause()
        assert app.headers == ["name", "no"]
        assert table.cursor_row == VISIBLE_ROWS + 3


async def test_set_rows_keeps_cursor_on_key() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("pagedown", "down")
        key = table.cursor_key
        assert key == KEYS[VISIBLE_ROWS + 1]

        # Filtering: every 7th key survives, the cursor key included.
        filtered = [k for i, k in enumerate(KEYS) if i % 7 == (VISIBLE_ROWS + 1) % 7]
        started = time.perf_counter()
        table.set_rows(filtered)
        assert time.perf_counter() - started < 0.05
        assert table.cursor_key == key
        assert table.cursor_row == filtered.index(key)
        assert table.virtual_size.height == len(filtered) + 1
        await pilot.pause()
        assert any(f"#{key}" in line.text for line in lines(table)[1:])  # and it is on screen

        # Cursor key filtered away: the index is kept (clamped).
        row = table.cursor_row
        table.set_rows([k for k in filtered if k != key])
        assert table.cursor_row == row
        table.set_rows(filtered[:2])
        assert (table.cursor_row, table.cursor_key) == (1, filtered[1])
        assert table.scroll_offset.y == 0
        await pilot.pause()  # the scrollbar went away: rows now span the full width
        assert table.render_line(1).cell_length == SIZE[0]
        assert screen_text(app)[2].endswith(f"#{filtered[1]}")
        table.set_rows(filtered, keep_cursor_key=False)
        assert (table.cursor_row, table.cursor_key) == (0, filtered[0])

        table.set_rows([])
        assert (table.cursor_row, table.cursor_key) == (0, None)
        await pilot.press("down", "end", "enter")
        await pilot.pause()
        assert selected(app) == []
        assert highlighted(app)[-1] is None
        assert lines(table)[1].text.strip() == ""


async def test_header_stays_visible_and_shows_sort() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("pagedown", "pagedown", "down")
        await pilot.pause()
        assert table.scroll_offset.y > 0
        header = table.render_line(0).text
        assert header.split() == ["Name", "City", "No"]
        assert screen_text(app)[0].split() == ["Name", "City", "No"]
        # The first row under the header is the first scrolled-to row, not row 0.
        assert f"#{KEYS[table.scroll_offset.y]}" in screen_text(app)[1]

        table.sort_column = "city"
        await pilot.pause()
        assert "City ▲" in screen_text(app)[0]
        table.sort_reverse = True
        await pilot.pause()
        assert "City ▼" in screen_text(app)[0]
        assert "▲" not in screen_text(app)[0]


async def test_wide_characters_keep_columns_aligned() -> None:
    rows = {
        1: ("🚚 Łódź Przewozy", "Łódź", "#1"),
        2: ("Zażółć gęślą jaźń", "Kraków", "#2"),
        3: ("🚚" * 60, "🚚🚚🚚🚚🚚🚚🚚🚚", "#3"),  # cropped in the middle of a wide char
        4: ("a" * 100, "x" * 30, "#4"),
        5: ("tab\there\nnewline", "e\u0301clair", "#5"),  # control chars, combining accent
        6: ("ＡＢＣ全角", "[red]not markup[/]", "#6"),
    }
    app = TableApp(provider=lambda key: rows[key], keys=list(rows))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        width = table.scrollable_content_region.width
        rendered = lines(table)[: len(rows) + 1]
        assert all(strip.cell_length == width for strip in rendered)
        # A character-exact check as well: cell_len of the text, not just the Strip's sum.
        assert all(cell_len(strip.text) == width for strip in rendered)

        # Cut each line at the expected column boundaries (in cells): every cell must land there.
        name_width = width - 2 - 12 - 7 - 2  # marker, fixed columns, two separators
        city_start = 2 + name_width + 1
        no_start = city_start + 12 + 1
        cities = [strip.crop(city_start, city_start + 12).text for strip in rendered[1:]]
        numbers = [strip.crop(no_start, width).text for strip in rendered[1:]]
        assert cities[:2] == ["Łódź        ", "Kraków      "]
        assert cities[2] == "🚚" * 5 + " …"
        assert cities[3] == "x" * 11 + "…"
        assert cities[4] == "e\u0301clair      "
        assert cities[5] == "[red]not ma…"
        assert numbers == [f"{'#' + str(key):>7}" for key in rows]
        assert rendered[0].crop(city_start, width).text.split() == ["City", "No"]

        def cell_offset(text: str, needle: str) -> int:
            return cell_len(text[: text.index(needle)])

        texts = [strip.text for strip in rendered[1:]]
        assert "…" in texts[2] and "…" in texts[3]
        assert "tab here newline" in texts[4]
        assert all("\n" not in t and "\t" not in t for t in texts)

        await pilot.resize_terminal(100, 24)
        await pilot.pause()
        wider = table.scrollable_content_region.width
        assert wider == width + 20
        assert all(strip.cell_length == wider for strip in lines(table))
        assert cell_offset(table.render_line(1).text, "#1") == wider - 2


def test_fit_cell() -> None:
    assert fit_cell("Łódź", 6) == "Łódź  "
    assert fit_cell("Łódź", 6, "right") == "  Łódź"
    assert fit_cell("Łódź", 3) == "Łó…"
    assert fit_cell("ab🚚", 4) == "ab🚚"
    assert fit_cell("🚚🚚", 3) == "🚚…"
    assert fit_cell("🚚🚚", 2) == " …"  # a wide char never straddles the edge
    assert cell_len(fit_cell("🚚🚚🚚", 4)) == 4
    assert fit_cell("abc", 0) == ""


async def test_marks() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        assert table.toggle_mark(KEYS[1]) is True
        assert table.toggle_mark(KEYS[2]) is True
        assert table.toggle_mark(KEYS[2]) is False
        assert table.marked == {KEYS[1]}
        await pilot.pause()
        rows = lines(table)[1:4]
        assert [strip.text[:2] for strip in rows] == ["  ", "✓ ", "  "]
        assert first_style(rows[1]) == table.get_component_rich_style("virtual-table--marked")
        assert screen_text(app)[2].startswith("✓ ")
        table.clear_marks()
        assert table.render_line(2).text.startswith("  ")


async def test_refresh_rows_refetches_changed_data() -> None:
    data = {key: (f"old {key}", "", "") for key in range(50)}
    app = TableApp(provider=lambda key: data[key], keys=list(data))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        data[0] = ("new 0", "", "")
        assert "old 0" in table.render_line(1).text  # cached
        table.refresh_rows([0])
        assert "new 0" in table.render_line(1).text


async def test_set_rows_and_first_render_are_fast() -> None:
    app = TableApp(keys=[])
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.pause()
        app.calls.clear()
        keys = list(range(N, 0, -1))
        started = time.perf_counter()
        table.set_rows(keys)
        rendered = lines(table)
        elapsed = time.perf_counter() - started
        assert elapsed < 0.05, elapsed
        assert f"#{N}" in rendered[1].text and f"#{N - VISIBLE_ROWS + 1}" in rendered[-1].text
        assert sorted(app.calls) == keys[:VISIBLE_ROWS][::-1]
