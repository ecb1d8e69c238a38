"""Every way a questionnaire comes back (SPEC.md, "Who uses it"), as PDF bytes.

Each function takes a :class:`~samples.answers.Filled` form and returns the
file a bidder would send: the fillable form filled in, flattened, typed over,
annotated with a reader's "fill and sign" tool, re-typed in Word, made
generic by a buyer's PDF editor, printed and scanned, or wrapped between a
cover letter and annexes.
"""
from __future__ import annotations

from typing import Any

from pypdf.annotations import FreeText
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from questionnaire.fillable import flatten, render_fillable
from questionnaire.paper import Zone, render_form
from samples.answers import Filled
from samples.bidders import Bidder, Tender
from samples.letters import agreement_annex, cover_letter
from samples.overlay import Pen, overlay, wrap
from samples.pdfs import concatenate, writer_of, written
from samples.scan import Scanner, scanned

FIELD_PEN = Pen(font="Helvetica", size=12)  # pypdf draws multi-line values at 12 pt


def fillable_values(filled: Filled) -> dict[str, Any]:
    """The values a bidder types into the widgets: text as written, box choices.

    Long texts get line breaks where they reach the edge of their field, as a
    bidder pressing Enter would (pypdf draws a multi-line value on one line);
    read back, line breaks fold to spaces, so the value is unchanged.
    """
    geometry = render_form("modele", form=filled.form)[1]
    values: dict[str, Any] = {
        key: "\n".join(wrap(text, FIELD_PEN, FIELD_PEN.size, _width(geometry.values[key]) - 6))
        if _width(geometry.values[key]) > 300 and geometry.values[key].bbox[3] - geometry.values[key].bbox[1] > 30
        else text
        for key, text in filled.texts.items()}
    for key, options in filled.ticks.items():
        if len(options) != 1:
            raise ValueError(f"{key}: a fillable form cannot tick {options}")
        option = options[0]
        values[key] = {"yes": True, "no": False}.get(option, option)
    return values


def _width(zone: Zone) -> float:
    return zone.bbox[2] - zone.bbox[0]


def fillable(filled: Filled) -> bytes:
    return render_fillable("modele", fillable_values(filled), form=filled.form)


def flattened(filled: Filled) -> bytes:
    return flatten(fillable(filled))


def typed(filled: Filled, pen: Pen, style: str = "modele") -> bytes:
    """The paper form (or its Word re-typing) with the values as page text."""
    pdf, _ = render_form(style, form=filled.form, draw_extra=overlay(filled, pen, style))
    return pdf


def scan(filled: Filled, pen: Pen, scanner: Scanner) -> bytes:
    return scanned(typed(filled, pen), scanner)


def annotated(filled: Filled, seed: str) -> bytes:
    """The paper form filled with free-text annotations, one per answer; ticks are an "X"."""
    pdf, geometry = render_form("modele", form=filled.form)
    writer = writer_of(pdf)
    height = geometry.page_size[1]
    for key, text in filled.texts.items():
        _add_free_text(writer, geometry.values[key], text, height, "10pt")
    for key, options in filled.ticks.items():
        for option in options:
            zone = geometry.boxes[(key, option)]
            x0, top, x1, bottom = zone.bbox
            _add_free_text(writer, Zone(zone.page, (x0 - 1, top - 2, x1 + 3, bottom + 1)), "X", height, "11pt")
    return written(writer, seed)


def _add_free_text(writer: Any, zone: Zone, text: str, page_height: float, size: str) -> None:
    x0, top, x1, bottom = zone.bbox
    annotation = FreeText(text=text, rect=(x0, page_height - bottom, x1, page_height - top),
                          font="Helvetica", font_size=size, border_color=None, background_color=None)
    writer.add_annotation(page_number=zone.page - 1, annotation=annotation)


def generic_fillable(filled: Filled, on_state: str, seed: str) -> bytes:
    """The fillable form as a buyer's PDF editor makes it: flat generic names
    ("Texte1", "Case à cocher1"...) numbered top to bottom, one independent
    check box per box (export value ``on_state``), no tooltips."""
    writer = writer_of(fillable(filled))
    widgets = [annot.get_object() for page in writer.pages for annot in page.get("/Annots", [])
               if annot.get_object().get("/Subtype") == "/Widget"]
    page_of = {id(w): n for n, page in enumerate(writer.pages)
               for w in (a.get_object() for a in page.get("/Annots", []))}
    widgets.sort(key=lambda w: (page_of[id(w)], -float(w["/Rect"][3]), float(w["/Rect"][0])))
    counters = {"text": 0, "box": 0}
    fields = ArrayObject()
    for widget in widgets:
        if "/AP" in widget and "/Off" in widget["/AP"]["/N"]:
            counters["box"] += 1
            _as_check_box(widget, f"Case à cocher{counters['box']}", on_state)
        else:
            counters["text"] += 1
            widget[NameObject("/T")] = TextStringObject(f"Texte{counters['text']}")
        for inherited in ("/Parent", "/TU"):
            widget.pop(NameObject(inherited), None)
        fields.append(widget.indirect_reference)
    writer.root_object["/AcroForm"][NameObject("/Fields")] = fields
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    return written(writer, seed)


def _as_check_box(widget: DictionaryObject, name: str, on_state: str) -> None:
    """A radio button or check box widget made an independent check box field."""
    states = widget["/AP"]["/N"]
    on = next(state for state in states if state != "/Off")
    ticked = widget.get("/AS", "/Off") != "/Off"
    states[NameObject(on_state)] = states.pop(on)
    widget[NameObject("/T")] = TextStringObject(name)
    widget[NameObject("/FT")] = NameObject("/Btn")
    widget[NameObject("/Ff")] = NumberObject(0)
    state = NameObject(on_state if ticked else "/Off")
    widget[NameObject("/AS")] = state
    widget[NameObject("/V")] = state


def embedded(questionnaire: bytes, bidder: Bidder, tender: Tender, date: str, seed: str) -> bytes:
    """The questionnaire between a cover letter and an annex, in one PDF."""
    return concatenate([cover_letter(bidder, tender, date), questionnaire, agreement_annex(bidder)], seed)
