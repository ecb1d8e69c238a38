"""A generic fillable form's reading, learned once per worker for every file filled in on it.

A buyer or a commune that made its own fillable version of the questionnaire
sends it to every bidder: hundreds of files share one form and differ only
in their values. Which widget answers which canonical key is decided by the
label-anchored reader from the printed labels next to the widgets; that
depends on the pages' printed content, the widgets' places, names and types,
and on which widgets are filled in or ticked, not on what is typed in them.

So after a file is read the slow way (PDFium and the label reader), its
reading is kept with the widgets whose value is, alone and unchanged, a
field's reading (:func:`learn`). A later file whose pages print the same
content (:func:`extract.layouts.page_digests`), whose field tree is the same
but for its values (names, types, places, options, flags, appearances'
on-states: :func:`learned_key`), with the same widgets filled in and the
same boxes ticked, takes that reading with its own typed values put in
(:meth:`Learned.readings`), read from the field tree alone. The reader
also looks at what a value is like (a figure, a yes or no, a colon or a
bracket at its end, a piece of a label, a value the form's types do not
take): a value that is not plain text must be the same as written, any
other's kind must be the same (:func:`value_kind`), else the file is read
the slow way and its reading learned instead. A reading whose value the reader took with other words,
or whose doubt is not the value's own, is not learned.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Hashable, Sequence

import pikepdf

from extract.fields import LIST_MARKER, SPACED_FIGURES, figures_only, label_fragment, printed_text
from extract.recent import Recent
from extract.tokens import BBox, FormField
from questionnaire.definition import FieldDef, Form, forms_digest
from questionnaire.record import SOURCE_FORM_FIELD, Reading, Record
from questionnaire.text import clean_text, fold
from questionnaire.types import normalise

FORMS_KEPT = 16  # forms kept per worker (a few tenders' buyers' forms)
INHERITED = ("/FT", "/Ff", "/Opt", "/DV")  # what a widget takes from its field and the fields above
MAX_WIDGETS = 2000  # annotations of one page, at most (a form page has a few dozen)
MAX_DEPTH = 32  # fields above a widget, at most (a loop in a hostile file)
SILENT = frozenset({"/Widget", "/Link"})  # annotations that give no word or mark but the widgets'
PLACE = 0.01  # points: qpdf's widget box and PDFium's (single precision) agree within this
SHORT = 3  # a value shorter than this ("X", "O", "NC", ":") is kept as written, unless figures


@dataclass(frozen=True)
class Learned:
    """A form's reading, and how a file filled in on it gives its own."""

    record: Record  # the file it was learned from, as read
    form: Form
    mapping: dict[int, str]  # rank of a text widget in the field list -> the key its value alone answers
    kinds: tuple[Hashable, ...]  # each widget's kind of value (value_kind)
    printed: str  # the form's printed phrases, folded, a line each (printed_text)

    def readings(self, fields: Sequence[FormField]) -> dict[str, Reading] | None:
        """The readings of a file with the same key; None when one of its values is of
        another kind than the learned file's (it must be read the slow way)."""
        if len(fields) != len(self.kinds):
            return None
        for rank, item in enumerate(fields):
            field = self.form.field(self.mapping[rank]) if rank in self.mapping else None
            if value_kind(item, field, self.form, self.printed) != self.kinds[rank]:
                return None
        readings = {key: replace(reading) for key, reading in self.record.readings.items()}
        for rank, key in self.mapping.items():
            learned, raw = self.record.readings[key], clean_text(fields[rank].value or "")
            doubt = learned.doubt.replace(f"« {learned.raw} »", f"« {raw} »") if learned.doubt else None
            readings[key] = replace(learned, raw=raw, value=normalise(self.form.field(key), raw, self.form).value,
                                    doubt=doubt)
        return readings


def learned_key(pdf: pikepdf.Pdf, fields: Sequence[FormField], digests: Sequence[str | None],
                 forms: Sequence[Form]) -> Hashable | None:
    """What a generic fillable form's reading depends on but its typed values: its pages'
    printed content, each page's widgets in order (names, types, flags, options, places),
    which boxes are ticked and which widgets filled in. None when the file cannot take a
    learned reading (a page read without the printed cache, an annotation other than widgets
    and links, a list that shows a default value)."""
    if not digests or not all(digests) or not fields:
        return None
    widgets: list[tuple] = []
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is None:
            widgets.append(())
            continue
        if not isinstance(annots, pikepdf.Array) or len(annots) > MAX_WIDGETS:
            return None
        found = [_widget(annot) for annot in annots]
        if None in found:
            return None
        widgets.append(tuple(found))
    filled = tuple((f.kind, f.value, f.checked) if f.kind == "box" else (f.kind, bool(f.value)) for f in fields)
    return tuple(digests), tuple(widgets), filled, forms_digest(forms)


def _widget(annot: pikepdf.Object) -> tuple | None:
    """A widget as PDFium reads it but its value: its kind, place, name, type, flags and
    options (None for another annotation, or a list that shows a default value)."""
    if not isinstance(annot, pikepdf.Dictionary):
        return None
    kind = str(annot.get("/Subtype"))
    if kind not in SILENT:
        return None
    found: dict[str, object] = {}
    names, node, depth = [], annot, 0
    while isinstance(node, pikepdf.Dictionary) and depth < MAX_DEPTH:
        present = node.keys()
        for key in INHERITED:
            if key not in found and key in present:
                found[key] = node[key]
        if "/T" in present:
            names.append(str(node.T))
        node, depth = node.get("/Parent") if "/Parent" in present else None, depth + 1
    if "/DV" in found and str(found.get("/FT")) == "/Ch":
        return None  # PDFium shows a list's default value where it has none, not qpdf's fields (text: never)
    rect = annot.get("/Rect")
    place = rect.unparse() if isinstance(rect, pikepdf.Array) else b""
    return (kind, place, tuple(names), str(found.get("/FT")), int(found.get("/Ff", 0)),
            bytes(found["/Opt"].unparse()) if "/Opt" in found else b"")


def learn(record: Record, fields: Sequence[FormField], forms: Sequence[Form]) -> Learned | None:
    """The learned reading of a generic fillable form read by the label reader; None when one of its
    plain values is found in a reading that is not alone and unchanged a widget's value."""
    form = next(f for f in forms if f.id == record.form_id)
    values = {rank: clean_text(item.value) for rank, item in enumerate(fields) if item.kind == "text" and item.value}
    owners: dict[str, list[int]] = {}  # key -> the widgets whose value alone, at its place, is its reading
    for rank, raw in values.items():
        for key, reading in record.readings.items():
            if reading.source == SOURCE_FORM_FIELD and reading.raw == raw and reading.page == fields[rank].page \
                    and _same_place(reading.bbox, fields[rank].bbox):
                owners.setdefault(key, []).append(rank)
    if any(len(ranks) > 1 for ranks in owners.values()):
        return None
    owner = {key: ranks[0] for key, ranks in owners.items()}
    plain = {rank for rank in values if _plain(fields[rank].value or "", form)}
    mapping = {rank: key for key, rank in owner.items() if rank in plain}
    if not all(_replayable(record.readings[key], form) for key in mapping.values()):
        return None
    for rank in plain:
        if _mentioned(values[rank], rank, record, owner):
            return None  # the value is (part of) a reading that cannot take another one
    printed = printed_text(form)
    kinds = tuple(value_kind(item, form.field(mapping[rank]) if rank in mapping else None, form, printed)
                  for rank, item in enumerate(fields))
    kept = replace(record, readings={key: replace(r) for key, r in record.readings.items()}, findings=[],
                   pages=list(record.pages))  # the record goes on to be validated, stored, exported
    return Learned(kept, form, mapping, kinds, printed)


def _mentioned(raw: str, rank: int, record: Record, owner: dict[str, int]) -> bool:
    """Whether a widget's value is found, as words of their own, in a reading other than its own:
    another widget's reading is searched in its doubt only (its value there is that widget's)."""
    alone = re.compile(rf"(?<!\w){re.escape(raw.casefold())}(?!\w)")
    for key, reading in record.readings.items():
        if owner.get(key) == rank:
            continue
        doubt = reading.doubt or ""
        text = doubt.replace(f"« {reading.raw} »", "") if key in owner else f"{reading.raw or ''} {doubt}"
        if alone.search(text.casefold()):
            return True
    return False


def value_kind(item: FormField, field: FieldDef | None, form: Form, printed: str) -> Hashable:
    """What the reader may look at in a widget's value: nothing for a box or an empty field,
    the value itself when it is not plain text, else what its checks see in it."""
    value = item.value if item.kind == "text" else None
    if not value:
        return None
    if not _plain(value, form):
        return ("as written", value)
    raw = clean_text(value)
    normalised = normalise(field, raw, form) if field is not None else None
    return ("plain", figures_only(value), bool(SPACED_FIGURES.match(value)), bool(LIST_MARKER.match(value)),
            label_fragment(raw, printed) is not None,
            None if normalised is None else (normalised.value is None, normalised.problem))


def _plain(value: str, form: Form) -> bool:
    """Text that begins with a letter or figure and ends with one (or %), neither a yes or no,
    a non-answer nor one of the table's printed choices: what the reader copies as it is."""
    if len(value) < SHORT and not value.isdigit():
        return False
    if not value[0].isalnum() or not (value[-1].isalnum() or value[-1] == "%"):
        return False
    return fold(value) not in _special(form)


def _special(form: Form) -> frozenset[str]:
    """The form's yes and no words, non-answers and tables' printed choices, folded."""
    key = (form.id, form.digest)
    if key not in _SPECIAL:
        words = {fold(w) for w in form.yes_words + form.no_words + form.non_answers}
        words |= {fold(a) for table in form.tables.values() for axis in table.rows + table.columns
                  for a in axis.anchors}
        _SPECIAL[key] = frozenset(words)
    return _SPECIAL[key]


_SPECIAL: dict[tuple[str, str], frozenset[str]] = {}


def _replayable(reading: Reading, form: Form) -> bool:
    """A reading whose value is its raw text normalised, and whose doubt, if any, quotes it."""
    if reading.confidence != 1.0 or reading.value != normalise(form.field(reading.key), reading.raw, form).value:
        return False
    doubt = reading.doubt or ""
    return reading.raw not in doubt or (doubt.count(reading.raw) == 1 and f"« {reading.raw} »" in doubt
                                        and not doubt.startswith("Texte non attribué"))


def _same_place(found: BBox | None, widget: BBox) -> bool:
    return found is not None and all(abs(a - b) <= PLACE for a, b in zip(found, widget))


LEARNED: Recent[Hashable, Learned | bool] = Recent(FORMS_KEPT)  # key -> learned reading, False: not learnable
