"""Safe cells, styles and the cell form of answers, shared by every workbook.

A workbook is built in memory as plain cells (:class:`Book`, :class:`Sheet`,
:class:`Cell`), then written in one pass with XlsxWriter by
:func:`save_atomically` (several times faster than openpyxl, which is kept
for reading the officers' edits back). The sheets' code sees only this
module.

Everything written to a workbook comes from untrusted PDFs, so text goes
through :func:`put`: a string is always written as a string cell
(``write_string``, never a formula) and one a spreadsheet would take for a
formula carries the ``quotePrefix`` style, which is what Excel and
LibreOffice set themselves when a user types ``'=1+1``: the text is shown as
typed, and editing the cell does not turn it into a formula. Control
characters that XML cannot hold are shown as U+FFFD, and a text longer than
Excel's cell limit (32,767 characters) is cut with a visible note.
"""
from __future__ import annotations

import functools
import operator
import re
import zlib
from math import isfinite
from dataclasses import dataclass, field
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any, Iterable
from zipfile import ZIP64_LIMIT, ZIP_DEFLATED, ZipFile, ZipInfo

from analyse.atomic import replacing
from analyse.formula import runs_as_formula
from analyse.sheets import CORRECTED_HEADER, TRUNCATION_NOTE, VALIDATE, WorkbookLocked
from questionnaire.definition import FieldDef, Form
from questionnaire.types import EXCEL_CELL_LIMIT, PERCENT_FORMAT, type_of

MAX_ROW_HEIGHT = 409  # points: Excel's limit
DEFAULT_WIDTH = 13  # characters: a column given no width
CM = 96 / 2.54  # pixels
MAX_HELD = 200  # characters: a longer text is checked again each time it is put (:func:`put`)
MAX_VALIDATIONS = 4096  # validations' XML kept by a process (:func:`_worksheet_class`)
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # what XML cannot hold


@dataclass(frozen=True)
class Font:
    bold: bool = False
    size: float | None = None
    colour: str | None = None
    underline: bool = False


@dataclass(frozen=True)
class Fill:
    colour: str  # RRGGBB


@dataclass(frozen=True)
class Alignment:
    wrap: bool = False
    vertical: str | None = "top"
    horizontal: str | None = None
    indent: int = 0


BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
LINK_FONT = Font(colour="0563C1", underline=True)
HEADER_FILL = Fill("DDEBF7")
RED_FILL = Fill("F8CBAD")
ORANGE_FILL = Fill("FFE699")
GREEN_FILL = Fill("C6EFCE")
BLUE_FILL = Fill("BDD7EE")
WRAP = Alignment(wrap=True)
HEADER_ALIGNMENT = Alignment(wrap=True, vertical="center")
TOP = Alignment()


class Cell:
    """One cell: its value and look, a note (``comment``) and a link (``hyperlink``, relative to the book)."""

    __slots__ = ("row", "column", "value", "font", "fill", "alignment", "number_format", "quoted", "comment",
                 "hyperlink")

    def __init__(self, row: int, column: int) -> None:
        self.row, self.column = row, column
        self.value: Any = None
        self.font: Font | None = None
        self.fill: Fill | None = None
        self.alignment: Alignment = TOP
        self.number_format: str | None = None
        self.quoted = False
        self.comment: str | None = None
        self.hyperlink: str | None = None

    @property
    def coordinate(self) -> str:
        return f"{column_letter(self.column)}{self.row}"

    def look(self) -> tuple:
        return self.font, self.fill, self.alignment, self.number_format, self.quoted


@dataclass
class Validation:
    """A drop-down list or check over cells (spreadsheet data validation), as XlsxWriter takes it."""

    options: dict[str, Any]
    ranges: list[str] = field(default_factory=list)

    def add(self, where: Cell | str) -> None:
        self.ranges.append(where.coordinate if isinstance(where, Cell) else where)


@dataclass
class Chart:
    """A bar chart (``horizontal``) or column chart of ranges of its sheet; sizes in centimetres."""

    title: str
    width: float = 15
    height: float = 7.5
    horizontal: bool = False
    series: list[dict[str, Any]] = field(default_factory=list)
    value_axis: dict[str, Any] = field(default_factory=dict)
    category_axis: dict[str, Any] = field(default_factory=dict)
    legend: bool = True
    hidden_data: bool = False  # draws hidden cells (the charts' own hidden columns)

    def add_columns(self, ws: "Sheet", first_column: int, last_column: int, first_row: int, last_row: int,
                    categories: tuple[int, int, int], *, titled: bool = False,
                    colours: list[str] | None = None) -> None:
        """A series per column (its first row its name when ``titled``), named by the
        ``categories`` (column, first row, last row)."""
        column, top, bottom = categories
        for data in range(first_column, last_column + 1):
            series = {"values": _range(ws, first_row + titled, data, last_row, data),
                      "categories": _range(ws, top, column, bottom, column)}
            if titled:
                series["name"] = _range(ws, first_row, data, first_row, data)
            if colours:
                series["points"] = [{"fill": {"color": f"#{colour}"}} for colour in colours]
            self.series.append(series)


@dataclass
class Sheet:
    title: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    rows: dict[int, list[Cell]] = field(default_factory=dict)  # the same cells by row, to fit its height
    widths: dict[int, float] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)
    heights: dict[int, float] = field(default_factory=dict)
    freeze_panes: str | None = None  # the first cell that scrolls
    autofilter: str | None = None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    conditional: list[tuple[str, str, Fill]] = field(default_factory=list)  # range, formula, fill
    table: tuple[str, str, list[str]] | None = None  # range, name, headers
    charts: list[tuple[str, Chart]] = field(default_factory=list)
    images: list[tuple[int, int, bytes]] = field(default_factory=list)  # row, column, PNG
    printed: bool | None = None  # None: not set up for print; else whether fitted to the page's width

    def cell(self, row: int, column: int) -> Cell:
        found = self.cells.get((row, column))
        if found is None:
            found = self.cells[row, column] = Cell(row, column)
            in_row = self.rows.get(row)
            if in_row is None:
                self.rows[row] = [found]
            else:
                in_row.append(found)
        return found

    def by_row(self) -> Iterable[list[Cell]]:
        """Each row's cells by column, row after row, as a spreadsheet reads them (each row's few cells
        sorted, rather than the sheet's every coordinate)."""
        rows = self.rows
        return (sorted(rows[row], key=_column) for row in sorted(rows))


_column = operator.attrgetter("column")


class Book:
    """A workbook's sheets, in order."""

    def __init__(self) -> None:
        self.worksheets: list[Sheet] = [Sheet("Sheet")]

    @property
    def active(self) -> Sheet:
        return self.worksheets[0]

    def create_sheet(self, title: str) -> Sheet:
        self.worksheets.append(Sheet(title))
        return self.worksheets[-1]


@functools.cache  # asked for every cell noted and every range
def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _range(ws: Sheet, first_row: int, first_column: int, last_row: int, last_column: int) -> str:
    name = ws.title.replace("'", "''")
    return (f"='{name}'!${column_letter(first_column)}${first_row}:"
            f"${column_letter(last_column)}${last_row}")


def safe_text(text: str) -> tuple[str, bool]:
    """The text as a cell can hold it, and whether it had to be cut."""
    if ILLEGAL_CHARACTERS.search(text):  # seldom: most texts are kept as they are, not copied
        text = ILLEGAL_CHARACTERS.sub("\ufffd", text)
    if len(text) <= EXCEL_CELL_LIMIT:
        return text, False
    note = TRUNCATION_NOTE.format(total=len(text))
    return text[: EXCEL_CELL_LIMIT - len(note)] + note, True


def put(ws: Sheet, row: int, column: int, value: Any, *, number_format: str | None = None,
        wrap: bool = False) -> Cell:
    """Write ``value`` in a cell so that it can never run as a formula."""
    cell = ws.cell(row, column)
    if isinstance(value, str):
        value, cell.quoted = _held(value) if len(value) > MAX_HELD else _short_held(value)
    else:
        cell.quoted = False
    cell.value = value
    if number_format:
        cell.number_format = number_format
    cell.alignment = WRAP if wrap else TOP
    return cell


def _held(text: str) -> tuple[str, bool]:
    """A text as a cell holds it (:func:`safe_text`) and whether it is quoted (:func:`runs_as_formula`)."""
    text, _ = safe_text(text)
    return text, runs_as_formula(text)


# The same short texts in every workbook (titles, labels, « Oui », statuses, names): checked once.
_short_held = functools.lru_cache(maxsize=8192)(_held)


def put_row(ws: Sheet, row: int, values: Iterable[Any], *, start: int = 1,
            wrapped: frozenset[int] = frozenset()) -> list[Cell]:
    """:func:`put` of each of ``values`` from the column ``start`` on, wrapped in the columns ``wrapped``:
    a row in one loop rather than two calls a cell (a tender workbook's findings are 90,000 cells)."""
    cells, in_row, made = ws.cells, ws.rows.get(row), []
    for column, value in enumerate(values, start):
        quoted = False
        if isinstance(value, str):
            value, quoted = _held(value) if len(value) > MAX_HELD else _short_held(value)
        cell = cells.get((row, column))
        if cell is None:
            cell = cells[row, column] = Cell(row, column)
            if in_row is None:
                in_row = ws.rows[row] = [cell]
            else:
                in_row.append(cell)
        cell.value, cell.quoted, cell.alignment = value, quoted, WRAP if column in wrapped else TOP
        made.append(cell)
    return made


def header(ws: Sheet, row: int, labels: Iterable[str], *, start: int = 1) -> None:
    """A bold, shaded, wrapped header row."""
    for cell in put_row(ws, row, labels, start=start):
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, HEADER_ALIGNMENT


def widths(ws: Sheet, sizes: dict[int, float]) -> None:
    ws.widths.update(sizes)


def hide_column(ws: Sheet, column: int) -> None:
    ws.hidden.add(column)


def fit_row(ws: Sheet, row: int) -> None:
    """Give a row the height its longest wrapped text needs, from the cells written.

    Excel does not grow rows on opening a file, so a long policy text would
    show one line only. Call it once the column widths are set.
    """
    _fit(ws, row, ws.rows.get(row, ()), {})


def fit_rows(ws: Sheet, first: int = 1) -> None:
    """Fit every row from ``first`` on that has no height yet, each column's width looked up once."""
    per_line: dict[int, int] = {}
    for row, cells in ws.rows.items():
        if row >= first and row not in ws.heights:
            _fit(ws, row, cells, per_line)


def _fit(ws: Sheet, row: int, cells: Iterable[Cell], per_line: dict[int, int]) -> None:
    """:func:`fit_row` of the ``cells`` of ``row``; ``per_line``: the characters a line holds in each
    column, as found so far."""
    lines = 1
    for cell in cells:
        if cell.alignment.wrap and isinstance(cell.value, str):
            chars = per_line.get(cell.column)
            if chars is None:
                chars = per_line[cell.column] = _per_line(_width(ws, cell.column))
            lines = max(lines, _lines(cell.value, chars))
    if lines > 1:
        ws.heights[row] = min(MAX_ROW_HEIGHT, 15 * lines)


def put_note(ws: Sheet, row: int, text: str, last_column: int) -> Cell:
    """A sentence over the columns 1 to ``last_column`` (set their widths first), wrapped to
    that width, so that a long explanation neither hides nor widens the printed page."""
    cell = put(ws, row, 1, text, wrap=True)
    ws.merged.append((row, 1, row, last_column))
    width = sum(_width(ws, column) for column in range(1, last_column + 1))
    ws.heights[row] = min(MAX_ROW_HEIGHT, 15 * _lines(text, _per_line(width)))
    return cell


def _width(ws: Sheet, column: int) -> float:
    return ws.widths.get(column) or DEFAULT_WIDTH


def _per_line(width: float) -> int:
    """The characters a line of a column ``width`` wide holds."""
    return max(1, int(width))


def _lines(text: str, chars_per_line: int) -> int:
    if "\n" not in text:  # most cells: one paragraph
        return max(1, -(-len(text) // chars_per_line))
    return sum(max(1, -(-len(part) // chars_per_line)) for part in text.split("\n"))


def printable(ws: Sheet, *, fit_width: bool = True) -> None:
    """Landscape pages, as wide as the sheet when ``fit_width`` (print and PDF)."""
    ws.printed = fit_width


def picture(ws: Sheet, row: int, column: int, png: bytes, height: int) -> None:
    """A PNG shown pixel for pixel at a cell, its row as tall as it (``height`` pixels)."""
    ws.images.append((row, column, png))
    ws.heights[row] = max(ws.heights.get(row, 15), height * 0.75 + 4)  # pixels to points


# ---------------------------------------------------------------------------
# Writing


def save_atomically(wb: Book, path: Path) -> Path:
    """Write to a temporary file beside ``path``, then rename it into place.

    The previous workbook stays whole and readable until the new one is
    complete; a workbook held open by Excel raises :class:`WorkbookLocked`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with replacing(path) as temporary:
            _save(wb, temporary)
    except PermissionError as error:
        raise WorkbookLocked(f"Impossible de remplacer {path} : le classeur est-il ouvert ? "
                             "Fermez-le puis relancez.") from error
    return path


def _save(book: Book, path: Path) -> None:
    workbook = _workbook_class()(str(path), {"in_memory": True, "strings_to_formulas": False,
                                             "strings_to_numbers": False, "strings_to_urls": False})
    formats = _Formats(workbook)
    for ws in book.worksheets:
        _write_sheet(workbook, workbook.add_worksheet(ws.title, _worksheet_class()), ws, formats)
    workbook.close()
    _unlink(workbook)


def _unlink(workbook: Any) -> None:
    """Let reference counting free a closed workbook as soon as it is dropped.

    Each XlsxWriter sheet holds its workbook's ``add_format`` (a bound method, for check boxes'
    default format), so a workbook, its sheets and every cell written are a cycle that only the
    cyclic collector frees: one scan of them all after each workbook (a tenth of a millisecond per
    hundred cells), the collector being paused while it is written (:func:`collector.paused`).
    """
    for sheet in workbook.worksheets():
        sheet.workbook_add_format = None


@functools.cache
def _workbook_class() -> type:
    """XlsxWriter's workbook (not imported by a run that writes no workbook), its parts put in the file
    with less work: a part the same as one of a previous workbook's (:func:`_packed`) is not
    compressed again. A test pins the file it writes as XlsxWriter's own, byte for byte."""
    from xlsxwriter.workbook import Workbook

    class QuickerWorkbook(Workbook):
        def _store_workbook(self) -> None:
            """XlsxWriter's ``_store_workbook`` for a workbook in memory without macros (ours)."""
            if not self.worksheets():
                self.add_worksheet()
            if self.worksheet_meta.activesheet == 0:
                self.worksheets_objs[0].selected = 1
                self.worksheets_objs[0].hidden = 0
            for sheet in self.worksheets():
                if sheet.index == self.worksheet_meta.activesheet:
                    sheet.active = 1
            self._prepare_sst_string_data()
            self._prepare_vml()
            self._prepare_defined_names()
            self._prepare_drawings()
            self._add_chart_data()
            self._prepare_tables()
            self._prepare_metadata()
            packager = _packager_class()()
            packager._add_workbook(self)
            packager._set_tmpdir(self.tmpdir)
            packager._set_in_memory(True)
            with ZipFile(self.filename, "w", compression=ZIP_DEFLATED, allowZip64=self.allow_zip64) as archive:
                for data, name, binary in packager._create_package():
                    _add_part(archive, name, data.getvalue() if binary else data.getvalue().encode())

    return QuickerWorkbook


@functools.cache
def _packager_class() -> type:
    """XlsxWriter's packager, writing the shared strings with less work (:func:`_shared_strings_class`)."""
    from xlsxwriter.packager import Packager

    class QuickerPackager(Packager):
        def _write_shared_strings_file(self) -> None:
            """XlsxWriter's own, with :func:`_shared_strings_class`."""
            if not self.workbook.str_table.count:
                return
            strings = _shared_strings_class()()
            strings.string_table = self.workbook.str_table
            strings._set_xml_writer(self._filename("xl/sharedStrings.xml"))
            strings._assemble_xml_file()

    return QuickerPackager


# What makes XlsxWriter write a shared string otherwise than as it is: a character to escape
# (control, XML, non-character), what looks like an escape (« _x »), a space first or last (kept).
_SPECIAL = re.compile(r'[\x00-\x1f"&<>\ufffe\uffff]|_x|^\s|\s$')


@functools.cache
def _shared_strings_class() -> type:
    """XlsxWriter's shared strings, a plain text (most: labels, names, « Oui ») written as it is by one
    f-string: XlsxWriter searches each text five times for what to escape or keep."""
    from xlsxwriter.sharedstrings import SharedStrings

    class QuickerSharedStrings(SharedStrings):
        def _write_sst_strings(self) -> None:
            write, special = self.fh.write, _SPECIAL.search
            for string in self.string_table.string_array:
                if special(string):
                    self._write_si(string)
                else:
                    write(f"<si><t>{string}</t></si>")

    return QuickerSharedStrings


# Parts holding the cells' values (sheets, shared strings, charts' copies of their data), pictures or the
# time of writing: seldom the same in two workbooks, never kept (:func:`_packed`).
_OWN_PARTS = ("xl/worksheets/sheet", "xl/sharedStrings.xml", "xl/charts/", "xl/media/", "docProps/core.xml")
MAX_PACKED = 256  # parts kept compressed by a process (:func:`_packed`)


def _add_part(archive: ZipFile, name: str, data: bytes) -> None:
    """``data`` as the part ``name`` of ``archive``, as ``ZipFile.writestr`` puts it in a file XlsxWriter
    writes (dated 1980-01-01, deflated at the default level), the same bytes."""
    info = ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.compress_type = ZIP_DEFLATED
    if len(data) * 1.05 > ZIP64_LIMIT:  # as writestr decides it
        archive.writestr(info, data)
        return
    info.external_attr = 0o600 << 16
    info.file_size = len(data)
    info.CRC, packed = _packed(data) if not name.startswith(_OWN_PARTS) else _deflated(data)
    info.compress_size = len(packed)
    # What ZipFile.writestr does once the data is compressed, on a file it can seek in:
    # the header, then the data, then the part listed for the central directory.
    archive.fp.seek(archive.start_dir)
    info.header_offset = archive.fp.tell()
    archive._writecheck(info)
    archive._didModify = True
    archive.fp.write(info.FileHeader(False))
    archive.fp.write(packed)
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(info)
    archive.NameToInfo[name] = info


_PACKED: dict[bytes, tuple[int, bytes]] = {}  # a part's CRC and compressed bytes, by its content


def _packed(data: bytes) -> tuple[int, bytes]:
    """:func:`_deflated` of a part the same in every workbook of the same shape (theme, styles,
    relations, the list of parts, a table's columns...), compressed once per process: a tender
    workbook's sixteen such parts cost half a millisecond to compress each time."""
    found = _PACKED.get(data)
    if found is None:
        found = _PACKED[data] = _deflated(data)
        if len(_PACKED) > MAX_PACKED:
            _PACKED.pop(next(iter(_PACKED)))  # the oldest
    return found


def _deflated(data: bytes) -> tuple[int, bytes]:
    """The CRC of ``data`` and ``data`` compressed as ``ZipFile`` compresses a part (raw deflate, default level)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


@functools.cache
def _worksheet_class() -> type:
    """XlsxWriter's worksheet, writing the same file with less work: each formula prepared once per
    process (:func:`_prepared`), the rows' spans found from the cells written (:func:`_spans`), the
    formatted text, number and blank cells written in one go (:func:`_cell_xml`), each validation's
    XML made once per process.

    Those are XlsxWriter's private methods, overridden because a tender workbook's 1,200 cells and
    forty-odd validations cost more there than anywhere else; tests pin the file they write as
    XlsxWriter's own."""
    from xlsxwriter.worksheet import Worksheet

    kinds = _cell_kinds()

    class QuickerWorksheet(Worksheet):
        def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
            return _prepared(formula, bool(expand_future_functions or self.use_future_functions))

        def _calculate_spans(self) -> None:
            self.row_spans = _spans(self.table, self.comments)

        def validate(self, options: dict[str, Any], ranges: list[str]) -> None:
            """XlsxWriter's ``data_validation`` of ``options`` over ``ranges``, its XML made once per
            process for each (:data:`_VALIDATIONS`): a tender workbook's forty-odd validations of
            « Réponses » are the same in each workbook of the same number of records."""
            key = (repr(options), *ranges)
            xml = _VALIDATIONS.get(key)
            if xml is None:
                xml = _VALIDATIONS[key] = self._validation_xml(options, ranges)
                if len(_VALIDATIONS) > MAX_VALIDATIONS:
                    _VALIDATIONS.pop(next(iter(_VALIDATIONS)))  # the oldest
            if xml:  # else refused by XlsxWriter, as its ``data_validation`` refuses it
                self.validations.append({"xml": xml})

        def _validation_xml(self, options: dict[str, Any], ranges: list[str]) -> str:
            """What XlsxWriter writes of a validation (nothing when it refuses it)."""
            written, self.fh, added = self.fh, StringIO(), len(self.validations)
            try:
                self.data_validation(*_range_at(ranges[0]), options | (
                    {"multi_range": " ".join(ranges)} if len(ranges) > 1 else {}))
                for made in self.validations[added:]:
                    super()._write_data_validation(made)
                return self.fh.getvalue()
            finally:
                self.fh = written
                del self.validations[added:]

        def _write_data_validation(self, options: dict[str, Any]) -> None:
            if "xml" in options:  # made by :meth:`validate`
                self.fh.write(options["xml"])
            else:
                super()._write_data_validation(options)

        def _write_row(self, row: int, spans: str | None, row_info: Any = None, empty_row: bool = False) -> None:
            """XlsxWriter's ``_write_row`` of a row of no format, neither hidden nor grouped (every row of
            ours), by one f-string rather than a list of attributes written one by one."""
            if row_info is not None and (row_info.row_format or row_info.hidden or row_info.level
                                         or row_info.collapsed) or self.excel_version == 2010:
                super()._write_row(row, spans, row_info, empty_row)
                return
            height = self.default_row_height if row_info is None or row_info.height is None else row_info.height
            shown = f' spans="{spans}"' if spans else ""
            if height != self.original_row_height or height != self.default_row_height:
                shown += f' ht="{height * 0.75:.16g}" customHeight="1"'
            self.fh.write(f'<row r="{row + 1}"{shown}/>' if empty_row else f'<row r="{row + 1}"{shown}>')

        def _write_rows(self) -> None:
            """XlsxWriter's ``_write_rows``, each row's cells taken in the order of their columns
            rather than by looking up every column of the sheet in each row."""
            self._calculate_spans()
            table, info, comments, spans = self.table, self.row_info, self.comments, self.row_spans
            letters = [column_letter(column + 1) for column in range(self.dim_colmax + 1)]  # once a sheet
            for row in range(self.dim_rowmin, self.dim_rowmax + 1):
                cells = table.get(row)
                if cells:
                    self._write_row(row, spans.get(row // 16), info.get(row))
                    _cell_xml(self, row, cells, kinds, letters)
                elif row in info or row in comments:
                    self._write_empty_row(row, spans.get(row // 16), info.get(row))

    return QuickerWorksheet


def _spans(*tables: dict[int, dict[int, Any]]) -> dict[int, str]:
    """Each block of 16 rows' first and last columns holding a cell or a note (XlsxWriter's « spans »
    of a row, ``first:last`` counted from 1), from the rows written rather than the sheet's every cell."""
    blocks: dict[int, tuple[int, int]] = {}
    for table in tables:
        for row, cells in table.items():
            if cells:
                block, low, high = row // 16, min(cells), max(cells)
                known = blocks.get(block)
                blocks[block] = (low, high) if known is None else (min(known[0], low), max(known[1], high))
    return {block: f"{low + 1}:{high + 1}" for block, (low, high) in blocks.items()}


def _cell_xml(sheet: Any, row: int, cells: dict[int, Any], kinds: tuple[type, type, type], letters: list[str]
              ) -> None:
    """A row's cells as XlsxWriter's ``_write_cell`` writes them: a formatted text, number or blank
    cell (``kinds``: XlsxWriter's tuples of each) by one f-string, rather than a list of attributes
    each searched for characters to escape that a coordinate and a style's number never hold, the
    row's written at once with its end; any other cell by XlsxWriter, in its place (``letters``: each
    column's letters)."""
    text, number_cell, _ = kinds
    number, written = str(row + 1), []  # the row's number made a text once
    add = written.append
    for column, cell in sorted(cells.items()):  # each column once: the cells themselves never compared
        kind, style = cell.__class__, cell.format
        if style is None or kind not in kinds:
            sheet.fh.write("".join(written))
            written.clear()
            sheet._write_cell(row, column, cell)
            continue
        index = style.xf_index  # given by the first call of _get_xf_index, as XlsxWriter gives it
        if index is None:
            index = style._get_xf_index()
        if kind is text:
            add(f'<c r="{letters[column]}{number}" s="{index}" t="s"><v>{cell[0]}</v></c>')
        elif kind is number_cell:
            add(f'<c r="{letters[column]}{number}" s="{index}"><v>{cell[0]:.16G}</v></c>')
        else:
            add(f'<c r="{letters[column]}{number}" s="{index}"/>')
    add("</row>")
    sheet.fh.write("".join(written))


_VALIDATIONS: dict[tuple[str, ...], str] = {}  # a validation's XML by the repr of its options and its ranges


@functools.lru_cache(maxsize=4096)
def _prepared(formula: str, expand: bool) -> str:
    """A formula as XlsxWriter writes it (the prefix of each function newer than Excel 2007), which
    depends on the formula and ``expand`` alone.

    XlsxWriter prepares a conditional format's or a check's formula with some 250 regular expressions
    each time it writes one: a tenth of a millisecond each, seven formulas in every tender workbook,
    the same in each.
    """
    return _bare_sheet()._prepare_formula(formula, expand)


@functools.cache
def _bare_sheet() -> Any:
    """A worksheet of XlsxWriter's own, to prepare formulas with."""
    from xlsxwriter.worksheet import Worksheet

    return Worksheet()


class _Formats:
    """XlsxWriter's format of each look, made once per workbook."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.made: dict[tuple, Any] = {}
        # The same format by the identity of a cell's look objects: a workbook's thousand cells share
        # a few module-level fonts, fills and alignments, whose hash (each a dataclass's fields) would
        # be computed again for every cell. Valid while the book saved holds them, which outlives this.
        self.by_identity: dict[tuple, Any] = {}

    def of(self, look: tuple) -> Any:
        made = self.made.get(look)
        if made is None:
            made = self.made[look] = self.workbook.add_format(_properties(*look))
        return made

    def remember(self, key: tuple, cell: Cell) -> Any:
        """The format of ``cell``, whose look's identity ``key`` (see :func:`_write_cells`) is not yet known."""
        made = self.by_identity[key] = self.of(cell.look())
        return made

    def fill(self, fill: Fill) -> Any:
        """The format a conditional rule gives: its fill only."""
        made = self.made.get(fill)
        if made is None:
            made = self.made[fill] = self.workbook.add_format({"bg_color": f"#{fill.colour}"})
        return made


def _properties(font: Font | None, fill: Fill | None, alignment: Alignment, number_format: str | None,
                quoted: bool) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if font is not None:
        found |= {"bold": font.bold, "underline": 1 if font.underline else 0}
        if font.size:
            found["font_size"] = font.size
        if font.colour:
            found["font_color"] = f"#{font.colour}"
    if fill is not None:
        found |= {"pattern": 1, "fg_color": f"#{fill.colour}"}
    found |= {"text_wrap": alignment.wrap, "indent": alignment.indent}
    if alignment.vertical:
        found["valign"] = {"center": "vcenter"}.get(alignment.vertical, alignment.vertical)
    if alignment.horizontal:
        found["align"] = alignment.horizontal
    if number_format:
        found["num_format"] = number_format
    if quoted:
        found["quote_prefix"] = True
    return found


def _write_sheet(workbook: Any, out: Any, ws: Sheet, formats: _Formats) -> None:
    for first, last, width, hidden in column_runs(ws):
        out.set_column(first - 1, last - 1, width, None, {"hidden": hidden})
    for row, height in ws.heights.items():
        out.set_row(row - 1, height)
    if ws.table:
        where, name, headers = ws.table
        out.add_table(*_range_at(where), {"name": name, "style": "Table Style Light 9", "banded_rows": True,
                                          "columns": [{"header": text} for text in headers]})
    for first_row, first_column, last_row, last_column in ws.merged:
        out.merge_range(first_row - 1, first_column - 1, last_row - 1, last_column - 1, "",
                        formats.of(ws.cell(first_row, first_column).look()))
    _write_cells(out, ws, formats)
    if ws.freeze_panes:
        out.freeze_panes(*_cell_at(ws.freeze_panes))
    if ws.autofilter:
        out.autofilter(*_range_at(ws.autofilter))
    for where, formula, fill in ws.conditional:
        out.conditional_format(*_range_at(where), {"type": "formula", "criteria": f"={formula}",
                                                   "format": formats.fill(fill)})
    for validation in ws.validations:
        out.validate(validation.options, validation.ranges)
    for row, column, png in ws.images:
        out.insert_image(row - 1, column - 1, f"zone-{row}.png", {"image_data": BytesIO(png), "object_position": 2})
    for anchor, chart in ws.charts:
        out.insert_chart(*_cell_at(anchor), _chart(workbook, chart))
    if ws.printed is not None:
        out.set_landscape()
        out.set_paper(9)  # A4
        if ws.printed:
            out.fit_to_pages(1, 0)


@functools.lru_cache(maxsize=4096)
def _cell_at(where: str) -> tuple[int, int]:
    """A cell's row and column counted from 0, from its A1 reference: XlsxWriter reads a reference
    again at each call (a regular expression and a loop, a few microseconds), the same ones in
    every workbook (« A2 », « B8 »...)."""
    from xlsxwriter.utility import xl_cell_to_rowcol

    return xl_cell_to_rowcol(where)


@functools.lru_cache(maxsize=4096)
def _range_at(where: str) -> tuple[int, int, int, int]:
    """A range's first row and column and last ones, counted from 0, from « A1:B2 » or « A1 »
    (:func:`_cell_at`), as XlsxWriter reads them."""
    first, _, last = where.partition(":")
    return _cell_at(first) + _cell_at(last or first)


def column_runs(ws: Sheet) -> list[tuple[int, int, float, bool]]:
    """The sheet's sized or hidden columns as runs of neighbours alike (first, last, width, hidden):
    one XlsxWriter call a run instead of one a column, the file the same (XlsxWriter joins alike
    neighbours itself when it writes the columns)."""
    runs: list[tuple[int, int, float, bool]] = []
    for column in sorted(ws.widths.keys() | ws.hidden):
        width, hidden = _width(ws, column), column in ws.hidden
        if runs and runs[-1][1] == column - 1 and runs[-1][2:] == (width, hidden):
            runs[-1] = (runs[-1][0], column, width, hidden)
        else:
            runs.append((column, column, width, hidden))
    return runs


def _write_cells(out: Any, ws: Sheet, formats: _Formats) -> None:
    """Every cell of ``ws``, by its value's type (a thousand cells a tender's workbook: one look-up each).

    A text, number or blank cell is stored as XlsxWriter's ``_write_string``, ``_write_number`` and
    ``_write_blank`` store it (its shared string's number and format in the sheet's table), the
    sheet's extent noted once from its first and last rows and columns (:func:`_extent`) rather than
    for each cell; any other cell, or any cell of a sheet beyond Excel's limits, by XlsxWriter's
    writers (a test pins the file as the public writers make it)."""
    writers = {str: out._write_string, bool: out._write_boolean, int: out._write_number, float: out._write_number}
    styles, table = formats.by_identity, out.table
    longest = out.xls_strmax // 2  # a longer text may need cutting (XlsxWriter's own test)
    # The shared strings' table as its ``_get_shared_string_index`` fills it, a text already there (a tender
    # workbook's 150,000 texts are 2,000 different ones) counted once at the end rather than by a call each.
    strings, shared, known = out.str_table, out.str_table._get_shared_string_index, 0
    indexes = strings.string_table
    text, number, blank = _cell_kinds()
    make = tuple.__new__  # what XlsxWriter's cell tuples' ``__new__`` does, without its call
    quick = _extent(out, ws)
    for cell in ws.cells.values():
        row, column, value = cell.row - 1, cell.column - 1, cell.value
        key = (id(cell.font), id(cell.fill), id(cell.alignment), cell.number_format, cell.quoted)
        style = styles.get(key) or formats.remember(key, cell)
        kind = value.__class__
        if not quick:
            if value is None or value == "":  # an empty text is an empty cell, as a spreadsheet reads it
                out._write_blank(row, column, None, style)
            else:
                (writers.get(kind) or _writer(writers, value))(row, column, value, style)
        elif value is None or value == "":
            table[row][column] = make(blank, (style,))
        elif kind is str and len(value) <= longest:
            index = indexes.get(value)
            if index is None:
                index = shared(value)
            else:
                known += 1
            table[row][column] = make(text, (index, style))
        elif (kind is int or kind is float) and isfinite(value):
            table[row][column] = make(number, (value, style))
        else:
            (writers.get(kind) or _writer(writers, value))(row, column, value, style)
        if cell.hyperlink or cell.comment:
            _annotate(out, cell, row, column)
    strings.count += known


def _extent(out: Any, ws: Sheet) -> bool:
    """Note the extent of the cells of ``ws`` in ``out`` as XlsxWriter notes it cell by cell; whether
    they are all within Excel's limits (else XlsxWriter leaves out those beyond, cell by cell)."""
    if not ws.cells:
        return True
    columns = [column for _, column in ws.cells]
    first, last = (min(ws.rows) - 1, min(columns) - 1), (max(ws.rows) - 1, max(columns) - 1)
    if last[0] >= out.xls_rowmax or last[1] >= out.xls_colmax or out.constant_memory:
        return False
    out._check_dimensions(*first)
    out._check_dimensions(*last)
    return True


@functools.cache
def _cell_kinds() -> tuple[type, type, type]:
    """XlsxWriter's text, number and blank cells."""
    from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple

    return CellStringTuple, CellNumberTuple, CellBlankTuple


def _writer(writers: dict[type, Any], value: Any) -> Any:
    """The writer of a subclass of one of ``writers``' types (bool before int: a bool is an int)."""
    found = next((write for kind, write in writers.items() if isinstance(value, kind)), None)
    if found is None:
        raise TypeError(f"no cell for {type(value).__name__}")
    return found


def _annotate(out: Any, cell: Cell, row: int, column: int) -> None:
    """A cell's link and note."""
    link = _link(cell.hyperlink) if cell.hyperlink else None
    if link is not None:
        out.ignore_write_string = True  # the value is written above, as it is: only the link is added
        out.write_url(row, column, link)
        out.ignore_write_string = False
    if cell.comment:
        out.write_comment(row, column, cell.comment, {"author": "egalite"})


def _link(href: str) -> Any:
    """A link to a file, its target kept as given (relative, with ``/``: it works once the output
    folder is copied, on Windows too); XlsxWriter would turn a relative link's ``/`` into ``\\``.
    None for a link longer than Excel holds (2,080 characters: folders nested very deep)."""
    try:
        return _file_link()(href)
    except ValueError:
        return None


@functools.cache
def _file_link() -> type:
    from xlsxwriter.url import Url, UrlTypes

    class FileLink(Url):
        def _parse_url(self) -> None:
            self._link_type = UrlTypes.EXTERNAL

    return FileLink


def _chart(workbook: Any, chart: Chart) -> Any:
    drawn = workbook.add_chart({"type": "bar" if chart.horizontal else "column"})
    drawn.set_title({"name": chart.title})
    for series in chart.series:
        drawn.add_series(series)
    # XlsxWriter names the axes as drawn: a horizontal bar chart's value axis is its x axis.
    value_axis, category_axis = (drawn.set_x_axis, drawn.set_y_axis) if chart.horizontal else \
        (drawn.set_y_axis, drawn.set_x_axis)
    value_axis(chart.value_axis)
    category_axis(chart.category_axis)
    if not chart.legend:
        drawn.set_legend({"none": True})
    if chart.hidden_data:
        drawn.show_hidden_data()
    drawn.set_size({"width": round(chart.width * CM), "height": round(chart.height * CM)})
    return drawn


# ---------------------------------------------------------------------------
# What the officer may type: drop-down lists and checks per field type.

_KINDS = {"list": "list", "whole": "integer", "decimal": "decimal", "custom": "custom", "textLength": "length"}
_OPERATORS = {"between": "between", "greaterThanOrEqual": ">=", "lessThanOrEqual": "<="}


def typed_format(field: FieldDef) -> str | None:
    """The number format of a cell typed for ``field``: text where what is typed must stay as typed."""
    return type_of(field).typed_format


def field_validation(field: FieldDef, form: Form, cell: str) -> Validation:
    """The drop-down list or check of a cell typed for ``field`` (``cell``: the first one it covers),
    with a French input message; Excel and LibreOffice apply it as the officer types."""
    entry = type_of(field).entry(field, form)
    options = {name: value.replace("{cell}", cell) for name, value in entry.options.items()}
    return _validation(entry.kind, options, title=field.label[:32], prompt=entry.prompt[:255],
                       error_title="Valeur refusée", error=f"« {field.label} » : {entry.prompt}"[:225])


def choice_validation(words: list[str], error_title: str, error: str, *, allow_blank: bool = True,
                      title: str | None = None, prompt: str | None = None) -> Validation:
    """A drop-down list of ``words``."""
    return _validation("list", {"formula1": '"' + ",".join(words) + '"'}, title=title, prompt=prompt,
                       error_title=error_title, error=error, allow_blank=allow_blank)


def decision_validation() -> Validation:
    """« Valider »: the value read is right, confirmed without retyping it."""
    return choice_validation([VALIDATE], "Choix impossible", f"Choisissez « {VALIDATE} » ou laissez vide.",
                             title="Valider la lecture",
                             prompt=f"Choisissez « {VALIDATE} » si la valeur lue est juste ; sinon tapez la "
                                    f"bonne valeur dans « {CORRECTED_HEADER} ».")


def _validation(kind: str, options: dict[str, str], *, title: str | None, prompt: str | None, error_title: str,
                error: str, allow_blank: bool = True) -> Validation:
    """A validation as XlsxWriter takes it, from the spreadsheet's own terms (those of the form's types)."""
    found: dict[str, Any] = {"validate": _KINDS[kind], "ignore_blank": allow_blank, "show_error": True,
                             "error_title": error_title, "error_message": error,
                             "error_type": options.get("errorStyle", "stop")}
    first, second = options.get("formula1"), options.get("formula2")
    if kind == "list":
        found["source"] = first.strip('"').split(",")
    elif kind == "custom":
        found["value"] = f"={first}"
    elif second is not None:
        found |= {"criteria": _OPERATORS[options["operator"]], "minimum": _number(first), "maximum": _number(second)}
    else:
        found |= {"criteria": _OPERATORS[options["operator"]], "value": _number(first)}
    found["show_input"] = bool(prompt)
    if prompt:
        found |= {"input_title": title or "", "input_message": prompt}
    return Validation(found)


def _number(text: str) -> float | int:
    number = float(text)
    return int(number) if number.is_integer() else number
