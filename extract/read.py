"""One file in, one record out: the extraction pipeline of a single PDF.

Steps: open (or reject with a reason) → tokens per page → find the
questionnaire's pages (when the text layer shows none, the pictures under
the text are read too: a form pasted as an image) → read the fields (directly from the widgets of our
own fillable form, otherwise from the labels) → normalised readings.
Validation is the next layer's job (``analyse.validate``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pikepdf

from extract.acroform import form_fields
from extract.document import MAX_PAGES, NOT_QUESTIONNAIRE, Document, ScanReader, Unreadable, opened, read_pictures
from extract.fields import apply_commitment_list_rule, read_fields
from extract.labels import LabelIndex
from extract.safety import preflight
from extract.tokens import FormField, Page
from extract.xfa import xfa_pages
from questionnaire.definition import Form, load as load_form
from questionnaire.record import SOURCE_ANNOTATION, SOURCE_FORM_FIELD, SOURCE_OCR, Reading, Record
from questionnaire.types import normalise, type_of

DIRECT_SHARE = 0.8  # share of canonical keys a fillable form must name to be read directly

METHOD_FORM = "formulaire remplissable"
METHOD_FIELDS = "champs de formulaire (par position)"
METHOD_TEXT = "texte du PDF"
METHOD_ANNOTATIONS = "annotations"
METHOD_SCAN = "scan (OCR)"
METHOD_XFA = "formulaire XFA"
METHOD_PICTURE = "texte saisi sur une image du formulaire (libellés lus par OCR)"


def read_file(path: Path, relative: str, tender: str, *, form: Form | None = None,
              scan_reader: ScanReader | None = None, scan_unavailable: str | None = None,
              inbox: Path | None = None) -> Record:
    """Read one input file into a record (rejected with a reason when it must be).

    ``inbox`` is the folder the file was found in (links leading out of it are refused).
    """
    return read_with_pages(path, relative, tender, form=form, scan_reader=scan_reader,
                           scan_unavailable=scan_unavailable, inbox=inbox)[0]


def read_with_pages(path: Path, relative: str, tender: str, *, form: Form | None = None,
                    scan_reader: ScanReader | None = None, scan_unavailable: str | None = None,
                    inbox: Path | None = None, all_pages: bool = False) -> tuple[Record, list[Page]]:
    """The record, and the pages it was read from (the questionnaire's; with
    ``all_pages``, every page of our own fillable form or of a file that is
    not the questionnaire, for ``egalite debug`` to show what was seen)."""
    form = form or load_form()
    record = Record(file=relative, tender=tender, form_id=form.id)
    try:
        problem = preflight(path, inbox)  # before any parser sees the file
        if problem:
            raise Unreadable(problem)
        fields, page_count = _field_tree(path)
        if _direct_form(fields, form):
            record.page_count = page_count
            record.readings, record.method = read_direct(fields, form), METHOD_FORM
            record.pages = sorted({f.page for f in fields if f.name in set(form.keys) and f.page})
            if not all_pages:
                return record, []
            with opened(path, scan_reader, fields) as document:
                return record, document.pages
        with opened(path, scan_reader, fields) as document:
            record.page_count = document.page_count
            record, pages = _read_pages(record, document, form, scan_unavailable, path, scan_reader)
            return record, pages or (document.pages if all_pages else [])
    except Unreadable as error:
        record.error, record.error_class = error.reason, error.reason_class
        return record, []


def _field_tree(path: Path) -> tuple[list[FormField], int]:
    """The file's form fields and its page count, from its field tree (none when qpdf cannot read it)."""
    try:
        with pikepdf.open(path) as pdf:
            return form_fields(pdf), len(pdf.pages)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - any failure of qpdf or of the field tree's reader on untrusted input
        return [], 0  # the general reader, next, reads the file anyway or says in French what is wrong


def _read_pages(record: Record, document: Document, form: Form, scan_unavailable: str | None,
                path: Path, scan_reader: ScanReader | None) -> tuple[Record, list[Page]]:
    pages = questionnaire_pages(document.pages, form)
    xfa = [] if pages else questionnaire_pages(xfa_pages(path) or [], form)  # a placeholder page: the form is XFA
    pages = pages or xfa
    if not pages:  # the form's labels may be in a picture under the text (a form pasted as an image)
        again, pictured = read_pictures(path, document, scan_reader)
        pages = questionnaire_pages(again.pages, form) if again.pictures_read else []
        if pictured and not pages and scan_reader is None and scan_unavailable:
            return _unread_pictures(record, pictured, scan_unavailable), []
        document = again if pages else document
    scanned = any(p.image_only for p in document.pages)
    if not pages:
        if scanned and scan_unavailable:
            return _unread_scan(record, document, form, scan_unavailable), []
        record.error = ("Document scanné : aucun libellé du questionnaire n'a pu y être lu "
                        "(autre document, ou scan illisible)." if scanned else
                        "Ce PDF n'est pas le questionnaire égalité (aucun de ses libellés n'a été trouvé).")
        if document.truncated:
            record.error += f" Seules ses {MAX_PAGES} premières pages (sur {document.page_count}) ont été lues."
        record.error_class = NOT_QUESTIONNAIRE
        return record, []
    record.pages = [p.number for p in pages]
    record.readings = read_fields(pages, form)
    record.method = METHOD_XFA if xfa else METHOD_PICTURE if document.pictures_read else _method(pages)
    return record, pages


def _unread_pictures(record: Record, pictured: list[int], reason: str) -> Record:
    """Text over pictures, without the form's labels, and no OCR to read the pictures:
    the file is not called another document; the officer is told what to install."""
    record.error = ("Le texte de ce PDF ne montre pas le questionnaire, mais ses pages sont des images "
                    f"(le formulaire collé en image ?) qui n'ont pas pu être lues. {reason}")
    record.error_class = NOT_QUESTIONNAIRE
    record.pages = pictured
    return record


def _unread_scan(record: Record, document: Document, form: Form, reason: str | None) -> Record:
    """Image-only pages that could not be read: every field goes to review with the reason."""
    why = reason or "Document scanné (pages images) : la lecture des scans n'est pas disponible."
    record.pages = [p.number for p in document.pages if p.image_only]
    record.method = METHOD_SCAN
    record.readings = {key: Reading(key, doubt=why) for key in form.keys}
    return record


def questionnaire_pages(pages: Sequence[Page], form: Form) -> list[Page]:
    """The pages that show the questionnaire, so a cover letter or annexes are ignored.

    A page with at least ``signature_min`` of the form's phrases belongs to
    it; so does a page next to one of its pages that shows at least one.
    """
    index = LabelIndex(pages)
    hits = index.signature_hits(form.signature)
    kept = {n for n, found in hits.items() if len(found) >= form.signature_min}
    if not kept:
        return []
    grown = True
    while grown:  # the form's pages follow each other: take in neighbours showing one phrase
        neighbours = {n for n in hits if n not in kept and (n - 1 in kept or n + 1 in kept)}
        kept |= neighbours
        grown = bool(neighbours)
    first, last = min(kept), max(kept)
    ending = {m.page.number for m in index.find(list(form.commitments_end) + list(form.commitment_details_anchors))}
    if last + 1 in ending and not any(m.page.number <= last for m in index.find(list(form.commitments_end))):
        last += 1  # the list of commitments runs over onto a page of its own
    return [p for p in pages if first <= p.number <= last]


def _method(pages: Sequence[Page]) -> str:
    sources = {w.source for p in pages for w in p.words} | {m.source for p in pages for m in p.marks}
    if any(p.image_only for p in pages) or SOURCE_OCR in sources:
        return METHOD_SCAN
    if SOURCE_FORM_FIELD in sources:
        return METHOD_FIELDS
    if SOURCE_ANNOTATION in sources:
        return METHOD_ANNOTATIONS
    return METHOD_TEXT


# -- our own fillable form: field names are the canonical keys ---------------

def _direct_form(fields: Sequence[FormField], form: Form) -> bool:
    names = {f.name for f in fields}
    known = names & set(form.keys)
    if len(known) < DIRECT_SHARE * len(form.keys):
        return False
    return any((f.kind == "text" and f.value) or f.checked for f in fields if f.name in known)


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
    reading = Reading(key, source=SOURCE_FORM_FIELD, page=first.page, bbox=first.bbox)
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
    if reading.raw:  # export values are choice ids or labels ("woman", "Femme", "Oui"): normalise reads both
        reading.value = normalise(field, reading.raw, form).value
    return reading
