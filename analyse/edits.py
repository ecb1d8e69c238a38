"""Cells changed by the officer where the next run does not read them back.

The workbooks are rewritten at each run from the store: only the answers
(« Réponses ») and the review columns (« Décision », « Valeur corrigée »)
are read back as corrections. A value typed anywhere else — over a figure
of « Synthèse », in the territory's « Structures », in a column of
« À vérifier » that is not read — would be overwritten without a word.
So after writing the workbooks, :func:`remember` notes what their other
cells hold; before the next run rewrites them, :func:`changes` tells, in
French and naming the sheet and the cell, every one that was changed.
"""
from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import orjson

from analyse.sheets import ANSWERS_SHEET, CORRECTED_HEADER, READ_BACK_COLUMNS, REVIEW_SHEET
from questionnaire.definition import Form
from questionnaire.types import cell_text

if TYPE_CHECKING:
    from analyse.excel import Book

SNAPSHOT = ".egalite-cellules.json"  # in the output folder, beside the workbooks
SHOWN = 3  # cells named per sheet; the others are counted


def remember(output: Path, books: list[Path], form: Form, noted: dict[Path, dict] | None = None) -> None:
    """Note the cells of ``books`` that are not read back (after the run wrote them); the notes
    of the workbooks not written this time (kept as they were) stay. ``noted`` holds the
    :func:`workbook_cells` of books as they were written (by the processes that wrote them);
    a book without them is read back from its file."""
    noted = noted or {}
    snapshot = _snapshot(output)
    snapshot |= {book.relative_to(output).as_posix(): noted.get(book) or book_cells(book, form)
                 for book in books if book.is_file()}
    handle, temporary = tempfile.mkstemp(prefix=".egalite-", suffix=".json", dir=output)
    with os.fdopen(handle, "wb") as stream:
        # orjson: UTF-8, compact, about ten times the json module's speed (the cells of 100 workbooks:
        # 23 ms -> 2 ms); the texts are strings only, which it writes as the json module reads them back.
        stream.write(orjson.dumps(snapshot))
    os.replace(temporary, output / SNAPSHOT)


def changes(output: Path, form: Form, untouched: Callable[[Path], bool] = lambda path: False) -> list[str]:
    """A French sentence per sheet where a cell not read back was changed since the last run
    (workbooks ``untouched`` since a run wrote them are not opened)."""
    notices = []
    for name, sheets in _snapshot(output).items():
        book = output / name
        if not book.is_file() or untouched(book):
            continue
        try:
            now = book_cells(book, form)
        except Exception:  # noqa: BLE001 - a damaged workbook is reported by the corrections' reader
            continue
        for sheet, cells in sheets.items():
            notices += _sheet_changes(name, sheet, cells, now.get(sheet))
    return notices


def _snapshot(output: Path) -> dict[str, dict[str, dict[str, str]]]:
    try:
        return orjson.loads((output / SNAPSHOT).read_bytes())
    except (OSError, ValueError):  # orjson's decoding error is a ValueError
        return {}  # none yet, or damaged: the workbooks are still read for corrections


def _sheet_changes(book: str, sheet: str, before: dict[str, str], after: dict[str, str] | None) -> list[str]:
    if after is None:
        return [f"{book} : la feuille « {sheet} » a été supprimée ; elle est recréée à chaque exécution."]
    changed = sorted((coord for coord in before.keys() | after.keys() if before.get(coord) != after.get(coord)),
                     key=_order)
    if not changed:
        return []
    named = " ; ".join(f"cellule {coord} : {_shown(before.get(coord))} devenu {_shown(after.get(coord))}"
                       for coord in changed[:SHOWN])
    more = f" (et {len(changed) - SHOWN} autre(s) cellule(s))" if len(changed) > SHOWN else ""
    return [f"{book}, feuille « {sheet} », modification non reprise — {named}{more}. Cette feuille est "
            f"recalculée à chaque exécution : corrigez la réponse dans « {ANSWERS_SHEET} » ou dans la "
            f"colonne « {CORRECTED_HEADER} » de « {REVIEW_SHEET} »."]


def _shown(text: str | None) -> str:
    if text is None:
        return "vide"
    return f"« {text[:60]}{'…' if len(text) > 60 else ''} »"


def _order(coord: str) -> tuple[int, str]:
    letters = coord.rstrip("0123456789")
    return int(coord[len(letters):]), f"{len(letters):02d}{letters}"


def book_cells(book: Path, form: Form) -> dict[str, dict[str, str]]:
    """Each sheet's cells as text, except those the next run reads back, read from the file."""
    from openpyxl import load_workbook  # not imported by a run that writes and reads no workbook

    workbook = load_workbook(book, read_only=True)
    try:
        return {sheet.title: _sheet_cells(sheet.iter_rows(), _read_back(sheet.title, form))
                for sheet in workbook.worksheets}
    finally:
        workbook.close()


def workbook_cells(workbook: Book, form: Form) -> dict[str, dict[str, str]]:
    """What :func:`book_cells` reads from the file once ``workbook`` is saved, taken from the
    workbook as built: the run notes what it wrote without parsing it again."""
    return {sheet.title: _sheet_cells(sheet.by_row(), _read_back(sheet.title, form))
            for sheet in workbook.worksheets}


def _read_back(sheet: str, form: Form) -> set[str]:
    if sheet == ANSWERS_SHEET:
        return {field.label for field in form.fields}
    return set(READ_BACK_COLUMNS.get(sheet, ()))


def _sheet_cells(rows: Iterable[Iterable[Any]], skipped: set[str]) -> dict[str, str]:
    """The cells' text by coordinate (``rows`` in reading order, each its cells by column), but for the
    columns read back; a row's number written once for all its cells."""
    from analyse.excel import column_letter  # not imported by a run that writes no workbook

    texts, skipped_columns = {}, set()
    for cells in rows:
        number = None
        for cell in cells:
            value = cell.value
            if value is None or cell.column in skipped_columns:  # a blank cell (no text, no header), one read back
                continue
            kind = value.__class__
            if kind is str:  # most cells: the text itself, as :func:`_text` gives it, without its calls
                shown = value
                text = value if value.strip() else None
            else:
                shown = str(value)
                text = shown if kind is int else _text(value)  # an int's text is its digits
            if shown in skipped:  # the header of a column read back, and the cells under it
                skipped_columns.add(cell.column)
            elif text is not None:
                number = number or str(cell.row)
                texts[column_letter(cell.column) + number] = text
    return texts


def _text(value: Any) -> str | None:
    if isinstance(value, (date, datetime)) or isinstance(value, bool):
        return str(value)
    if isinstance(value, float):  # as the file holds it: 16 significant digits (XlsxWriter's %.16G)
        value = float(f"{value:.16g}")
    return cell_text(value, None)
