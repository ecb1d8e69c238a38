"""Safe cells, styles and the cell form of answers, shared by every workbook.

Everything written to a workbook comes from untrusted PDFs, so text goes
through :func:`put`: a string is always stored as a string cell (``t="inlineStr"``,
never ``<f>``) and carries the ``quotePrefix`` style, which is what Excel and
LibreOffice set themselves when a user types ``'=1+1``: the text is shown as
typed, and editing the cell does not turn it into a formula. Control
characters that XML cannot hold are shown as U+FFFD rather than raising,
and a text longer than Excel's cell limit (32,767 characters) is cut with a
visible note instead of openpyxl's silent truncation.
"""
from __future__ import annotations

import functools
import math
from collections import defaultdict
from copy import copy
from datetime import datetime, timezone
from io import BytesIO
from weakref import WeakKeyDictionary
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from analyse.atomic import replacing
from analyse.formula import runs_as_formula
from analyse.sheets import CORRECTED_HEADER, TRUNCATION_NOTE, VALIDATE, WorkbookLocked
from questionnaire.definition import FieldDef, Form
from questionnaire.types import EXCEL_CELL_LIMIT, PERCENT_FORMAT, type_of

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
RED_FILL = PatternFill("solid", fgColor="F8CBAD")
ORANGE_FILL = PatternFill("solid", fgColor="FFE699")
GREEN_FILL = PatternFill("solid", fgColor="C6EFCE")
BLUE_FILL = PatternFill("solid", fgColor="BDD7EE")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
TOP = Alignment(vertical="top")
MAX_ROW_HEIGHT = 409  # points: Excel's limit

LINK_FONT = Font(color="0563C1", underline="single")


# The cells written through :func:`put`, by sheet and row: row heights are fitted from
# them, never by scanning the sheet (openpyxl's ``ws[row]`` recomputes the sheet's
# width over every cell, which made fitting every row quadratic in the rows).
_WRITTEN: WeakKeyDictionary[Worksheet, dict[int, list[Cell]]] = WeakKeyDictionary()
# The styles given by :func:`restyle`, by workbook: (style before, change) → style after.
_STYLES: WeakKeyDictionary[Workbook, dict[tuple, StyleArray]] = WeakKeyDictionary()
# Whether each alignment of a workbook wraps its text, by its index (:func:`_wraps`).
_WRAPPING: WeakKeyDictionary[Workbook, dict[int, bool]] = WeakKeyDictionary()


def safe_text(text: str) -> tuple[str, bool]:
    """The text as a cell can hold it, and whether it had to be cut."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if len(text) <= EXCEL_CELL_LIMIT:
        return text, False
    note = TRUNCATION_NOTE.format(total=len(text))
    return text[: EXCEL_CELL_LIMIT - len(note)] + note, True


def put(ws: Worksheet, row: int, column: int, value: Any, *, number_format: str | None = None,
        wrap: bool = False) -> Cell:
    """Write ``value`` in a cell so that it can never run as a formula."""
    cell = ws._cells.get((row, column)) or ws.cell(row=row, column=column)  # noqa: SLF001 - one lookup
    written = _WRITTEN.get(ws)
    if written is None:
        written = _WRITTEN[ws] = defaultdict(list)
    written[row].append(cell)
    quoted = False
    if isinstance(value, str):
        text, _ = safe_text(value)
        # Bound as text as it is (safe_text made it one a cell can hold): openpyxl's setter would
        # store "=..." as a formula and "#N/A" as an error, and check the text once more.
        cell._value, cell.data_type = text, "s"  # noqa: SLF001
        quoted = runs_as_formula(text)
    else:
        cell.value = value
    restyle(cell, ("put", quoted, number_format, wrap), functools.partial(
        _put_style, quoted=quoted, number_format=number_format, wrap=wrap))
    return cell


def _put_style(cell: Cell, *, quoted: bool, number_format: str | None, wrap: bool) -> None:
    if quoted:
        cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    cell.alignment = WRAP if wrap else TOP


def restyle(cell: Cell, change: Hashable, apply: Callable[[Cell], None]) -> None:
    """``apply`` (a change of style named ``change``) to ``cell``, done once per workbook.

    openpyxl looks every style object up by its hash on each assignment, the
    main cost of writing a cell; the style a change gives a cell depends only
    on the style it had, so the result is kept and copied onto the next cell.
    """
    styles = _STYLES.setdefault(cell.parent.parent, {})
    key = (tuple(cell._style or ()), change)  # noqa: SLF001 - openpyxl's style indices, valid in this workbook
    done = styles.get(key)
    if done is None:
        apply(cell)
        styles[key] = copy(cell._style)  # noqa: SLF001
    else:
        cell._style = copy(done)  # noqa: SLF001


def put_row(ws: Worksheet, row: int, values: Iterable[Any], *, start: int = 1) -> list[Cell]:
    return [put(ws, row, start + i, value) for i, value in enumerate(values)]


def header(ws: Worksheet, row: int, labels: Iterable[str], *, start: int = 1) -> None:
    """A bold, shaded, wrapped header row."""
    for cell in put_row(ws, row, labels, start=start):
        restyle(cell, "header", _header_style)


def _header_style(cell: Cell) -> None:
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT


def widths(ws: Worksheet, sizes: dict[int, float]) -> None:
    for column, width in sizes.items():
        ws.column_dimensions[get_column_letter(column)].width = width


def fit_row(ws: Worksheet, row: int) -> None:
    """Give a row the height its longest wrapped text needs.

    Excel does not grow rows on opening a file, so a long policy text would
    show one line only. Call it once the column widths are set.
    """
    cells = _WRITTEN.get(ws, {}).get(row, ())
    lines = max((_lines(cell.value, _width(ws, cell.column)) for cell in cells
                 if isinstance(cell.value, str) and _wraps(cell)), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, 15 * lines)


def _wraps(cell: Cell) -> bool:
    """Whether the cell's text wraps, its alignment looked up once per workbook (``cell.alignment``
    makes a proxy of the style at each call)."""
    workbook = cell.parent.parent
    known = _WRAPPING.setdefault(workbook, {})
    alignment = cell._style.alignmentId if cell._style else 0  # noqa: SLF001
    if alignment not in known:
        known[alignment] = bool(cell.alignment.wrap_text)
    return known[alignment]


def fit_rows(ws: Worksheet, first: int = 1) -> None:
    """Fit every row from ``first`` on that has no height yet (written through :func:`put`)."""
    for row in sorted(_WRITTEN.get(ws, {})):
        if row >= first and ws.row_dimensions[row].height is None:
            fit_row(ws, row)


def put_note(ws: Worksheet, row: int, text: str, last_column: int) -> Cell:
    """A sentence over the columns 1 to ``last_column`` (set their widths first), wrapped to
    that width, so that a long explanation neither hides nor widens the printed page."""
    cell = put(ws, row, 1, text, wrap=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    width = sum(_width(ws, column) for column in range(1, last_column + 1))
    ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, 15 * _lines(text, width))
    return cell


def _width(ws: Worksheet, column: int) -> float:
    return ws.column_dimensions[get_column_letter(column)].width or 13


def _lines(text: str, width: float) -> int:
    chars_per_line = max(1, int(width))
    return sum(max(1, math.ceil(len(part) / chars_per_line)) for part in text.split("\n"))


def printable(ws: Worksheet, *, fit_width: bool = True) -> None:
    """Landscape pages, as wide as the sheet when ``fit_width`` (print and PDF)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def save_atomically(wb: Workbook, path: Path) -> Path:
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
    finally:
        _forget(wb)
    return path


def _forget(wb: Workbook) -> None:
    """Drop the notes kept on a saved workbook: the cells noted for its rows refer to their
    sheet, and would keep the whole workbook alive (a process writing hundreds of them grew
    by a megabyte each)."""
    for ws in wb.worksheets:
        _WRITTEN.pop(ws, None)
    _STYLES.pop(wb, None)
    _WRAPPING.pop(wb, None)


def _save(wb: Workbook, path: Path) -> None:
    """openpyxl's ``Workbook.save``, each sheet's XML made in memory: openpyxl writes each
    sheet to a temporary file of its own first, and creating and deleting those costed
    more than writing the sheets' cells on a busy disk."""
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        wb.properties.modified = datetime.now(tz=timezone.utc).replace(tzinfo=None)
        _SheetsInMemory(wb, archive).write_data()


class _SheetsInMemory(ExcelWriter):
    def write_worksheet(self, ws: Worksheet) -> None:
        ws._drawing = SpreadsheetDrawing()  # noqa: SLF001 - as ExcelWriter.write_worksheet does
        ws._drawing.charts = ws._charts  # noqa: SLF001
        ws._drawing.images = ws._images  # noqa: SLF001
        writer = WorksheetWriter(ws, out=BytesIO())
        writer.write()
        ws._rels = writer._rels  # noqa: SLF001
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


# ---------------------------------------------------------------------------
# What the officer may type: drop-down lists and checks per field type.

def typed_format(field: FieldDef) -> str | None:
    """The number format of a cell typed for ``field``: text where what is typed must stay as typed."""
    return type_of(field).typed_format


def field_validation(field: FieldDef, form: Form, cell: str) -> DataValidation:
    """The drop-down list or check of a cell typed for ``field`` (``cell``: the first one it covers),
    with a French input message; Excel and LibreOffice apply it as the officer types."""
    entry = type_of(field).entry(field, form)
    options = {name: value.replace("{cell}", cell) for name, value in entry.options.items()}
    return _validation(field, entry.kind, entry.prompt, **options)


def decision_validation() -> DataValidation:
    """« Valider »: the value read is right, confirmed without retyping it."""
    return DataValidation(type="list", formula1=f'"{VALIDATE}"', allow_blank=True, showInputMessage=True,
                          showErrorMessage=True, promptTitle="Valider la lecture",
                          prompt=f"Choisissez « {VALIDATE} » si la valeur lue est juste ; sinon tapez la "
                                 f"bonne valeur dans « {CORRECTED_HEADER} ».",
                          errorTitle="Choix impossible", error=f"Choisissez « {VALIDATE} » ou laissez vide.")


def _validation(field: FieldDef, kind: str, prompt: str, **options: Any) -> DataValidation:
    options.setdefault("errorStyle", "stop")
    return DataValidation(type=kind, allow_blank=True, showInputMessage=True, showErrorMessage=True,
                          promptTitle=field.label[:32], prompt=prompt[:255], errorTitle="Valeur refusée",
                          error=f"« {field.label} » : {prompt}"[:225], **options)
