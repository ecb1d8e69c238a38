"""One file in, one record out: the extraction pipeline of a single PDF.

Steps: open (or reject with a reason) → tokens per page → find the
questionnaire's pages (when the text layer shows none, the pictures under
the text are read too: a form pasted as an image) → read the fields (directly from the widgets of our
own fillable form, otherwise from the labels) → normalised readings.
Validation is the next layer's job (``analyse.validate``).
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Callable, Hashable, Sequence

import pikepdf

from extract.acroform import form_fields
from extract.readings import apply_commitment_list_rule, unparsed, unparsed_doubt
from extract.safety import Unreadable, preflight
from extract.tokens import FormField, Page, union
from questionnaire.definition import Form, forms_digest
from questionnaire.record import SOURCE_FORM_FIELD, Reading, Record
from questionnaire.types import normalise, type_of

if TYPE_CHECKING:
    from extract.document import ScanReader

ScanStart = Callable[[], "tuple[ScanReader | None, str | None]"]  # the scan reader, or why there is none

DIRECT_SHARE = 0.8  # share of canonical keys a fillable form must name to be read directly

METHOD_FORM = "formulaire remplissable"
METHOD_FIELDS = "champs de formulaire (par position)"
METHOD_TEXT = "texte du PDF"
METHOD_ANNOTATIONS = "annotations"
METHOD_SCAN = "scan (OCR)"
METHOD_XFA = "formulaire XFA"
METHOD_PICTURE = "texte saisi sur une image du formulaire (libellés lus par OCR)"


def read_file(path: Path, relative: str, tender: str, *, forms: Sequence[Form],
              scan_reader: ScanReader | None = None, scan_unavailable: str | None = None,
              inbox: Path | None = None, scans: ScanStart | None = None) -> Record:
    """Read one input file into a record (rejected with a reason when it must be).

    ``forms`` are the versions of the questionnaire the file may answer: it is
    read with the one whose printed signature (field names, for our fillable
    forms) it shows best; a file none of them recognises is rejected with the
    first one's keys (the command line's form). ``inbox`` is the folder the
    file was found in (links leading out of it are refused). ``scans``, when
    given, gives the scan reader and why there is none only when a page
    needs them (instead of ``scan_reader`` and ``scan_unavailable``).
    """
    return read_with_pages(path, relative, tender, forms=forms, scan_reader=scan_reader,
                           scan_unavailable=scan_unavailable, inbox=inbox, scans=scans)[0]


def read_with_pages(path: Path, relative: str, tender: str, *, forms: Sequence[Form],
                    scan_reader: ScanReader | None = None, scan_unavailable: str | None = None,
                    inbox: Path | None = None, all_pages: bool = False,
                    scans: ScanStart | None = None) -> tuple[Record, list[Page]]:
    """The record, and the pages it was read from (the questionnaire's; with
    ``all_pages``, every page of our own fillable form or of a file that is
    not the questionnaire, for ``egalite debug`` to show what was seen)."""
    record = Record(file=relative, tender=tender, form_id=forms[0].id, form_digest=forms_digest(forms))
    start = scans or (lambda: (scan_reader, scan_unavailable))
    try:
        problem = preflight(path, inbox)  # before any parser sees the file
        if problem:
            raise Unreadable(problem)
        fields, form, page_count, layouts, form_key = _field_tree(path, forms)
        if form is None:
            return _pages_reader().read(record, path, forms, fields, layouts, form_key, start, all_pages=all_pages)
        record.form_id, record.form_digest = form.id, form.digest
        record.page_count = page_count
        record.readings, record.method = read_direct(fields, form), METHOD_FORM
        record.pages = sorted({f.page for f in fields if f.name in form.key_set and f.page})
        return record, _pages_reader().shown(path, fields, start) if all_pages else []
    except Unreadable as error:
        record.error, record.error_class = error.reason, error.reason_class
        return record, []


def _pages_reader() -> ModuleType:
    """:mod:`extract.from_pages`, the reader of every file but our own fillable form, imported when a
    file first needs it: reading our own fillable form never loads PDFium, numpy nor
    OpenCV (about a third of a second of CPU at a run's start; a worker that needs them imports them)."""
    from extract import from_pages

    return from_pages


def _field_tree(path: Path, forms: Sequence[Form]
                ) -> tuple[list[FormField], Form | None, int, list[str | None], Hashable | None]:
    """The file's form fields, the form whose keys name them when it is one of ours (:func:`_direct_form`)
    and its page count, from its field tree (none when qpdf cannot read it),
    and, for a fillable form that is not ours, its pages' digests of their printed content
    (:mod:`extract.layouts`: bidders return the same buyer's form, its printed pages are read once)
    and the key of its learned reading (:mod:`extract.learned`)."""
    try:
        with pikepdf.open(path) as pdf:
            fields = form_fields(pdf)
            form = _direct_form(fields, forms)
            if not fields or form is not None:
                return fields, form, len(pdf.pages), [], None
            digests, form_key = _pages_reader().keys(pdf, fields, forms)
            return fields, None, len(pdf.pages), digests, form_key
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - any failure of qpdf or of the field tree's reader on untrusted input
        return [], None, 0, [], None  # the general reader, next, reads the file anyway or says in French what is wrong


# -- our own fillable form: field names are the canonical keys ---------------

def _direct_form(fields: Sequence[FormField], forms: Sequence[Form]) -> Form | None:
    """The form whose canonical keys name the file's fields (the largest share, at least
    ``DIRECT_SHARE``, some filled), or None when the file is not one of our fillable forms."""
    names = {f.name for f in fields}
    candidates = []
    for order, form in enumerate(forms):
        known = names & form.key_set
        share = len(known) / len(form.keys)
        if share >= DIRECT_SHARE and any((f.kind == "text" and f.value) or f.checked
                                         for f in fields if f.name in known):
            candidates.append((share, -order, form))
    return max(candidates, key=lambda c: c[:2])[2] if candidates else None


def read_direct(fields: Sequence[FormField], form: Form) -> dict[str, Reading]:
    """Readings straight from the widgets named by canonical keys."""
    by_name: dict[str, list[FormField]] = {}
    for item in fields:
        by_name.setdefault(item.name, []).append(item)
    readings = {}
    for key in form.keys:
        widgets = by_name.get(key, [])
        readings[key] = _direct_reading(form, key, widgets)
    apply_commitment_list_rule(readings, form)
    return readings


def _direct_reading(form: Form, key: str, widgets: list[FormField]) -> Reading:
    field = form.field(key)
    if not widgets:
        return Reading(key, doubt=None if field.optional else
                       f"Champ « {field.label} » absent du formulaire : valeur à vérifier.")
    first = widgets[0]
    reading = Reading(key, source=SOURCE_FORM_FIELD, page=first.page, bbox=first.bbox, zone=_zone(widgets, first.page))
    if first.kind == "text":
        reading.raw = first.value
    elif any(w.checked is None for w in widgets):
        reading.doubt = (f"Case « {field.label} » : la valeur du champ et la case affichée ne "
                         "concordent pas ; vérifier sur le PDF.")
        return reading
    elif len(widgets) == 1 and type_of(field).yes_no:
        reading.value = bool(first.checked)
        reading.raw = "X" if first.checked else None
        return reading
    else:
        ticked = [w for w in widgets if w.checked]
        reading.raw = " + ".join(w.value or "?" for w in ticked) or None
        if len(ticked) == 1:
            reading.page, reading.bbox = ticked[0].page, ticked[0].bbox
            reading.zone = _zone(widgets, reading.page)
    if reading.raw:  # export values are choice ids or labels ("woman", "Femme", "Oui"): normalise reads both
        result = normalise(field, reading.raw, form)
        reading.value = result.value
        reading.doubt = unparsed_doubt(result, reading.source) if unparsed(result) else None
    return reading


def _zone(widgets: list[FormField], page: int) -> tuple[float, float, float, float]:
    """Where the answer stands: the field's widgets on ``page`` (every option of a choice)."""
    if len(widgets) == 1 and widgets[0].page == page:  # a text field's widget, most of a form's fields
        return widgets[0].bbox
    boxes = [w.bbox for w in widgets if w.page == page]
    return boxes[0] if len(boxes) == 1 else union(boxes)  # one box is its own union
