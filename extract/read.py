"""One file in, one record out: the extraction pipeline of a single PDF.

Steps: open (or reject with a reason) → tokens per page → find the
questionnaire's pages (when the text layer shows none, the pictures under
the text are read too: a form pasted as an image) → read the fields (directly from the widgets of our
own fillable form, otherwise from the labels) → normalised readings.
Validation is the next layer's job (``analyse.validate``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Hashable, Sequence

import pikepdf
import pypdfium2 as pdfium

from extract.acroform import form_fields
from extract.document import MAX_PAGES, NOT_QUESTIONNAIRE, Document, ScanReader, Unreadable, opened, read_pictures
from extract.cells import cell_of
from extract.fields import FURNITURE_BAND, apply_commitment_list_rule, read_fields, unparsed, unparsed_doubt
from extract.labels import LabelIndex
from extract.layouts import page_digests
from extract.safety import preflight
from extract.learned import LEARNED, learn, learned_key
from extract.tokens import FormField, Page, union
from extract.xfa import xfa_pages
from questionnaire.definition import Form, forms_digest
from questionnaire.record import SOURCE_ANNOTATION, SOURCE_FORM_FIELD, SOURCE_OCR, Reading, Record
from questionnaire.types import normalise, type_of

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
    scanning = _Scans(scans or (lambda: (scan_reader, scan_unavailable)))
    try:
        problem = preflight(path, inbox)  # before any parser sees the file
        if problem:
            raise Unreadable(problem)
        fields, page_count, layouts, form_key = _field_tree(path, forms)
        form = _direct_form(fields, forms)
        if form is not None:
            record.form_id, record.form_digest = form.id, form.digest
            record.page_count = page_count
            record.readings, record.method = read_direct(fields, form), METHOD_FORM
            record.pages = sorted({f.page for f in fields if f.name in set(form.keys) and f.page})
            if not all_pages:
                return record, []
            with opened(path, scanning, fields) as document:
                return record, document.pages
        if form_key is not None and not all_pages and _from_learned(record, form_key, fields):
            return record, []
        with opened(path, scanning, fields, layouts) as document:
            record.page_count = document.page_count
            record, pages = _read_pages(record, document, forms, path, scanning)
            if form_key is not None and record.method == METHOD_FIELDS:
                LEARNED.put(form_key, learn(record, fields, forms) or False)
            return record, pages or (document.pages if all_pages else [])
    except Unreadable as error:
        record.error, record.error_class = error.reason, error.reason_class
        return record, []


def _field_tree(path: Path, forms: Sequence[Form]) -> tuple[list[FormField], int, list[str | None], Hashable | None]:
    """The file's form fields and its page count, from its field tree (none when qpdf cannot read it),
    and, for a fillable form that is not ours, its pages' digests of their printed content
    (:mod:`extract.layouts`: bidders return the same buyer's form, its printed pages are read once)
    and the key of its learned reading (:mod:`extract.learned`)."""
    try:
        with pikepdf.open(path) as pdf:
            fields = form_fields(pdf)
            if not fields or _direct_form(fields, forms) is not None:
                return fields, len(pdf.pages), [], None
            digests, form_key = _keys(pdf, fields, forms)
            return fields, len(pdf.pages), digests, form_key
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - any failure of qpdf or of the field tree's reader on untrusted input
        return [], 0, [], None  # the general reader, next, reads the file anyway or says in French what is wrong


def _keys(pdf: pikepdf.Pdf, fields: list[FormField], forms: Sequence[Form]) -> tuple[list[str | None], Hashable | None]:
    """The pages' digests of their printed content and the key of the form's learned reading;
    none when qpdf fails to give them (the pages are then read without the caches, the fields as they are)."""
    try:
        digests = page_digests(pdf)
        return digests, learned_key(pdf, fields, digests, forms)
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - any failure of qpdf on untrusted input
        return [], None


def _from_learned(record: Record, key: Hashable, fields: Sequence[FormField]) -> bool:
    """``record`` read from the reading learned for its form (:mod:`extract.learned`), when
    one was learned in this worker and the file's values are of the kinds it was learned with."""
    learned = LEARNED.get(key)
    readings = learned.readings(fields) if learned else None
    if readings is None:
        return False
    known = learned.record
    record.form_id, record.form_digest, record.method = known.form_id, known.form_digest, known.method
    record.page_count, record.pages, record.readings = known.page_count, list(known.pages), readings
    return True


class _Scans:
    """The scan reader and why there is none, asked for when a page first needs them: starting
    Tesseract costs a worker a third of a second and 60 MB, which a text or fillable file never needs.
    As a reader it reads an image-only page, or leaves it unread when there is no reader."""

    def __init__(self, start: ScanStart) -> None:
        self._start = start
        self._started: tuple[ScanReader | None, str | None] | None = None

    @property
    def reader(self) -> ScanReader | None:
        return self._options()[0]

    @property
    def unavailable(self) -> str | None:
        return self._options()[1]

    def _options(self) -> tuple[ScanReader | None, str | None]:
        if self._started is None:
            self._started = self._start()
        return self._started

    def __call__(self, page: pdfium.PdfPage, number: int) -> Page:
        if self.reader is not None:
            return self.reader(page, number)
        width, height = page.get_size()
        return Page(number, width, height, image_only=True)

    def picture(self, page: pdfium.PdfPage, number: int) -> Page | None:
        return self.reader.picture(page, number) if self.reader is not None else None


def _read_pages(record: Record, document: Document, forms: Sequence[Form], path: Path,
                scans: _Scans) -> tuple[Record, list[Page]]:
    form, pages = recognised(document.pages, forms)
    xfa: list[Page] = []
    if not pages:  # a placeholder page: the form is XFA
        form, xfa = recognised(xfa_pages(path) or [], forms)
        pages = xfa
    if not pages:  # the form's labels may be in a picture under the text (a form pasted as an image)
        again, pictured = read_pictures(path, document, scans.reader)
        form, pages = recognised(again.pages, forms) if again.pictures_read else (forms[0], [])
        if pictured and not pages and scans.reader is None and scans.unavailable:
            return _unread_pictures(record, pictured, scans.unavailable), []
        document = again if pages else document
    scanned = any(p.image_only for p in document.pages)
    if not pages:
        if scanned and scans.unavailable:
            return _unread_scan(record, document, form, scans.unavailable), []
        record.error = ("Document scanné : aucun libellé du questionnaire n'a pu y être lu "
                        "(autre document, ou scan illisible)." if scanned else
                        "Ce PDF n'est pas le questionnaire égalité (aucun de ses libellés n'a été trouvé).")
        if document.truncated:
            record.error += f" Seules ses {MAX_PAGES} premières pages (sur {document.page_count}) ont été lues."
        record.error_class = NOT_QUESTIONNAIRE
        return record, []
    record.form_id, record.form_digest = form.id, form.digest
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


def recognised(pages: Sequence[Page], forms: Sequence[Form]) -> tuple[Form, list[Page]]:
    """The form the pages show best, and its pages (none: the first form, and no page).

    Each form's pages are found by its signature; the form whose phrases are
    found in the largest share wins (a 2027 file lacks the 2024 index
    question and shows the directive's phrases), the first one on a tie.
    """
    index = LabelIndex(pages)
    best: tuple[float, Form, list[Page]] = (0.0, forms[0], [])
    for form in forms:
        found = questionnaire_pages(pages, form, index)
        if not found:
            continue
        numbers = {p.number for p in found}
        phrases = {phrase for n, hits in index.signature_hits(form.signature).items() if n in numbers
                   for phrase in hits}
        share = len(phrases) / len(form.signature)
        if share > best[0]:
            best = (share, form, found)
    return best[1], best[2]


def questionnaire_pages(pages: Sequence[Page], form: Form, index: LabelIndex | None = None) -> list[Page]:
    """The pages that show the questionnaire, so a cover letter or annexes are ignored.

    A page with at least ``signature_min`` of the form's phrases belongs to
    it; so does a page next to one of its pages that shows at least one.
    """
    index = index or LabelIndex(pages)
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
    seen = {m.anchor for m in index.find(_commitment_labels(form)) if first <= m.page.number <= last}
    ending = {m.page.number for m in index.find(list(form.commitments_end) + list(form.commitment_details_anchors))}
    ending |= {m.page.number for m in index.find(_commitment_labels(form)) if m.anchor not in seen}
    if last + 1 in ending and not any(m.page.number <= last for m in index.find(list(form.commitments_end))):
        last += 1  # the list of commitments runs over onto a page of its own
    elif _table_runs_on(*[next((p for p in pages if p.number == n), None) for n in (last, last + 1)]):
        last += 1  # a table broken by the page break: its last row ends on the next page
    return [p for p in pages if first <= p.number <= last]


def _table_runs_on(page: Page | None, following: Page | None) -> bool:
    """Whether a drawn table is cut by the page break: the last words of ``page`` and the first
    of ``following`` (running headers and footers aside) stand in drawn cells."""
    if page is None or following is None:
        return False
    ended = [w for w in page.words if cell_of(page, w.bbox) is not None]
    started = [w for w in following.words if cell_of(following, w.bbox) is not None]
    if not ended or not started:
        return False
    last = max(ended, key=lambda w: w.bottom).bottom
    first = min(started, key=lambda w: w.top).top
    return all(w.top > page.height * (1 - FURNITURE_BAND) for w in page.words if w.top > last) \
        and all(w.bottom < following.height * FURNITURE_BAND for w in following.words if w.bottom < first)


def _commitment_labels(form: Form) -> list[str]:
    """The commitments' labels (the list may run over onto a page that shows only its last ones)."""
    return [c.anchors[0] for c in form.commitments]


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

def _direct_form(fields: Sequence[FormField], forms: Sequence[Form]) -> Form | None:
    """The form whose canonical keys name the file's fields (the largest share, at least
    ``DIRECT_SHARE``, some filled), or None when the file is not one of our fillable forms."""
    names = {f.name for f in fields}
    candidates = []
    for order, form in enumerate(forms):
        known = names & set(form.keys)
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
    return union([w.bbox for w in widgets if w.page == page])
