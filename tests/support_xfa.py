"""An XFA questionnaire, as a buyer would make it in Adobe LiveCycle Designer.

The PDF page is a placeholder ("Veuillez patienter…"); the form is in
``/AcroForm /XFA`` as [template, datasets] streams. The template prints the
form definition's labels with the usual Designer constructs: positioned
subforms, top-to-bottom and left-to-right flows, a table with rows, fields
with captions, radio-button groups, check boxes, an explicit page break and
a natural one. Fields are named generically; the data binds them by name
(repeated names bind in order), one globally and one by a dataRef.
Also the hostile variants (entity expansion, deep nesting, a huge stream).
"""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, StreamObject, TextStringObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from questionnaire.definition import load
from tests.support_hostile import zlib_zeros
from tests.support_layouts import ANSWERS

FORM = load("egalite-2024")
DOC = FORM.document
WIDTH = 510  # points: the content area's width (180 mm)
# The answers: the unseen layout's, with an officer and a head count left blank.
XFA_ANSWERS = {**ANSWERS, "officers.secretary": None, "staff.non_managers.non_binary": None,
               "staff.total.non_binary": None}
GENDER_ITEMS = {"woman": "F", "man": "H", "non_binary": "NB", "undisclosed": "NSP"}


# -- template ---------------------------------------------------------------

def _el(tag: str, children: list[ET.Element] = (), **attributes: Any) -> ET.Element:
    element = ET.Element(tag, {k.rstrip("_"): str(v) for k, v in attributes.items() if v is not None})
    element.extend(children)
    return element


def _value(text: str, kind: str = "text") -> ET.Element:
    value = _el("value", [_el(kind)])
    value[0].text = text
    return value


def draw(text: str, size: float = 9, align: str | None = None, **geometry: Any) -> ET.Element:
    children = [_value(text), _el("font", typeface="Arial", size=f"{size}pt")]
    if align:
        children.append(_el("para", hAlign=align))
    return _el("draw", children, **geometry)


def text_field(name: str, caption: str | None = None, reserve: str | None = None, multiline: bool = False,
               kind: str = "textEdit", bind: ET.Element | None = None, **geometry: Any) -> ET.Element:
    children = [_el("ui", [_el(kind, multiLine="1" if multiline else None)]),
                _el("font", typeface="Arial", size="9pt"), _el("para", vAlign="middle"),
                _el("margin", topInset="0.5mm", bottomInset="0.5mm", leftInset="0.5mm", rightInset="0.5mm")]
    if caption:
        children.append(_el("caption", [_value(caption)], reserve=reserve, placement="left"))
    if bind is not None:
        children.append(bind)
    return _el("field", children, name=name, **geometry)


def check(name: str, on: str = "1", off: str | None = "0", caption: str | None = None,
          **geometry: Any) -> ET.Element:
    items = _el("items", [_el("text") for _ in ([on, off] if off else [on])])
    for item, value in zip(items, [on, off]):
        item.text = value
    children = [_el("ui", [_el("checkButton", shape="square", size="9pt")]), items,
                _el("font", typeface="Arial", size="9pt")]
    if caption:
        children.append(_el("caption", [_value(caption)], placement="right", reserve="12mm"))
    return _el("field", children, name=name, **geometry)


def subform(children: list[ET.Element], name: str | None = None, layout: str | None = None,
            **geometry: Any) -> ET.Element:
    return _el("subform", children, name=name, layout=layout, **geometry)


def _identification() -> ET.Element:
    """Positioned: title and three captioned fields at fixed places (one bound globally, one by dataRef)."""
    labels = [FORM.field(k).anchors[0] for k in ("structure_name", "siret", "tender_ref")]
    return subform([
        draw(FORM.title, size=13, x="0mm", y="0mm", w="180mm", h="8mm"),
        draw(DOC["identification_title"], size=11, x="0mm", y="12mm", w="120mm", h="6mm"),
        text_field("TextField1", labels[0], "70mm", x="0mm", y="20mm", w="180mm", h="6mm"),
        text_field("TextField2", labels[1], "70mm", x="0mm", y="28mm", w="120mm", h="6mm",
                   bind=_el("bind", match="global")),
        text_field("TextField3", labels[2], "70mm", x="0mm", y="36mm", w="120mm", h="6mm",
                   bind=_el("bind", match="dataRef", ref="$record.Reference.Valeur")),
    ], name="Identification", w="180mm", h="46mm")


def _staff() -> ET.Element:
    """A Designer table: a header row and one row per table row, cells named alike (bound in order)."""
    table = FORM.tables["staff"]
    header = subform([draw("", h="5mm")] + [draw(c.label, align="center", h="9mm") for c in table.columns],
                     name="EnTete", layout="row")
    rows = [subform([draw(r.label, h="7mm")] + [text_field("Cellule", kind="numericEdit", h="7mm")
                                                for _ in table.columns], name="Ligne", layout="row")
            for r in table.rows]
    grid = subform([header, *rows], name="Tableau", layout="table",
                   columnWidths="110pt 80pt 80pt 80pt 80pt 80pt")
    return subform([draw(DOC["staff_title"], size=11, w="180mm", h="8mm"), grid,
                    draw(DOC["staff_footnote"], size=7, w="180mm", h="6mm")], name="Effectifs", layout="tb")


def _governance() -> ET.Element:
    board, share, volunteers = (FORM.field(k) for k in ("board.exists", "board.women_pct", "volunteers.women_pct"))
    yes_no = _el("exclGroup", [check("CheckBox1", "1", None, "Oui", x="0mm", y="0mm", w="18mm", h="6mm"),
                               check("CheckBox2", "2", None, "Non", x="20mm", y="0mm", w="18mm", h="6mm")],
                 name="RadioButtonList", w="40mm", h="6mm")
    board_line = subform([draw(board.label, w="90mm", h="6mm"), yes_no], layout="lr-tb", w="180mm")
    share_line = subform([text_field("TextField4", share.anchors[0] + " :", "85mm", kind="numericEdit",
                                     w="110mm", h="6mm"), draw("%", w="6mm", h="6mm")], layout="lr-tb", w="180mm")
    volunteers_line = subform([text_field("TextField5", volunteers.anchors[0] + " :", "70mm",
                                          kind="numericEdit", w="95mm", h="6mm"), draw("%", w="6mm", h="6mm")],
                              name="Benevoles", layout="lr-tb", w="180mm")
    return subform([board_line, share_line, draw(DOC["officers_title"], w="180mm", h="7mm"), _officers(),
                    volunteers_line], name="Gouvernance", layout="tb")


def _officers() -> ET.Element:
    """Positioned rows, each a label and a radio group of one box per gender column."""
    genders = FORM.choices["gender"]
    header = [draw(g.label, align="center", x=f"{50 + 30 * n}mm", y="0mm", w="30mm", h="6mm")
              for n, g in enumerate(genders)]
    rows = []
    for number, row in enumerate(FORM.tables["officers"].rows):
        boxes = [check(f"CheckBox{3 + 4 * number + n}", GENDER_ITEMS[g.id], None, x=f"{30 * n + 11}mm", y="0mm",
                       w="8mm", h="6mm") for n, g in enumerate(genders)]
        rows.append(subform([draw(row.label, x="0mm", y="0mm", w="45mm", h="6mm"),
                             _el("exclGroup", boxes, name="Genre", x="50mm", y="0mm", w="120mm", h="6mm")],
                            name="Poste", x="0mm", y=f"{7 + 7 * number}mm", w="180mm", h="6mm"))
    return subform(header + rows, name="Dirigeants", w="180mm", h="30mm")


def _policy() -> ET.Element:
    """After an explicit page break; a tall text area so the commitments flow onto the next page."""
    policy = FORM.field("policy.text")
    score = subform([text_field("TextField7", "Note :", "14mm", kind="numericEdit", w="40mm", h="6mm"),
                     draw("/ 100", w="12mm", h="6mm")], layout="lr-tb", w="180mm")
    return subform([
        _el("breakBefore", targetType="pageArea", startNew="1"),
        draw(DOC["policy_title"], size=11, w="180mm", h="8mm"),
        draw(policy.label, w="180mm", h="6mm"),
        text_field("TextField6", multiline=True, w="180mm", h="150mm"),
        draw(DOC["policy_limit"], size=7, w="180mm", h="5mm"),
        draw(DOC["index_question"], w="180mm", h="10mm"),
        score,
    ], name="Politique", layout="tb")


def _commitments() -> ET.Element:
    lines = [subform([check(f"CheckBox{20 + n}", w="6mm", h="6mm"), draw(item.label, w="85mm", h="9mm"),
                      text_field(f"TextField{10 + n}", DOC["commitment_details_label"], "30mm", w="89mm", h="9mm")],
                     name="Engagement", layout="lr-tb", w="180mm")
             for n, item in enumerate(FORM.commitments)]
    return subform([draw(DOC["commitments_title"], size=11, w="180mm", h="8mm"), *lines,
                    draw(DOC["annexes_note"], w="180mm", h="8mm")], name="Engagements", layout="tb")


def template() -> ET.Element:
    page_area = _el("pageArea", [
        _el("contentArea", x="15mm", y="15mm", w="180mm", h="267mm"),
        _el("medium", stock="a4", short="210mm", long="297mm"),
        draw(DOC["buyer"], size=7, x="15mm", y="6mm", w="120mm", h="4mm"),
    ], name="Page1", id="Page1")
    root = subform([_el("pageSet", [page_area]), _identification(), _staff(), _governance(), _policy(),
                    _commitments()], name="form1", layout="tb", locale="fr_FR")
    return _el("template", [root], xmlns="http://www.xfa.org/schema/xfa-template/3.3/")


# -- datasets ---------------------------------------------------------------

def _text(value: Any) -> str:
    """As Designer stores it: numbers canonical (dot decimal), booleans 1/0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _leaf(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    element.text = _text(value)
    return element


def datasets(answers: dict[str, Any]) -> ET.Element:
    table = FORM.tables["staff"]
    staff = [_el("Ligne", [_leaf("Cellule", answers[table.key(r.id, c.id)]) for c in table.columns])
             for r in table.rows]
    board = answers["board.exists"]
    officers = [_el("Poste", [_leaf("Genre", GENDER_ITEMS.get(answers[f"officers.{r.id}"]))])
                for r in FORM.tables["officers"].rows]
    commitments = [_el("Engagement", [_leaf(f"CheckBox{20 + n}", answers[item.done_key]),
                                         _leaf(f"TextField{10 + n}", answers[item.details_key])])
                   for n, item in enumerate(FORM.commitments)]
    record = _el("form1", [
        _el("Identification", [_leaf("TextField1", answers["structure_name"])]),
        _el("Effectifs", [_el("Tableau", staff)]),
        _el("Gouvernance", [_leaf("RadioButtonList", None if board is None else "1" if board else "2"),
                               _leaf("TextField4", answers["board.women_pct"]),
                               _el("Dirigeants", officers),
                               _el("Benevoles", [_leaf("TextField5", answers["volunteers.women_pct"])])]),
        _el("Politique", [_leaf("TextField6", answers["policy.text"]),
                             _leaf("TextField7", answers["equality_index.score"])]),
        _el("Engagements", commitments),
        _el("Annexe", [_leaf("TextField2", answers["siret"])]),  # bound globally
        _el("Reference", [_leaf("Valeur", answers["tender_ref"])]),  # bound by dataRef
    ])
    data = ET.Element("xfa:data")
    data.append(record)
    return _el("xfa:datasets", [data], **{"xmlns:xfa": "http://www.xfa.org/schema/xfa-data/1.0/"})


# -- the PDF ----------------------------------------------------------------

def placeholder_page() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 770, "Veuillez patienter...")
    canvas.drawString(72, 750, "Si ce message ne disparait pas, votre lecteur PDF ne peut pas afficher ce formulaire.")
    canvas.save()
    return buffer.getvalue()


def xfa_pdf(packets: list[tuple[str, StreamObject]] | StreamObject) -> bytes:
    """The placeholder page with ``packets`` as /XFA (name/stream pairs, or one XDP stream)."""
    writer = PdfWriter(clone_from=io.BytesIO(placeholder_page()))
    if isinstance(packets, StreamObject):
        xfa: Any = writer._add_object(packets)
    else:
        xfa = ArrayObject()
        for name, stream in packets:
            xfa += [TextStringObject(name), writer._add_object(stream)]
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): xfa})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def packet(data: bytes, flate: bool = True) -> StreamObject:
    """An XFA packet; with ``flate`` false, ``data`` is written as it is."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode() if flate else stream


def questionnaire_xfa(answers: dict[str, Any] = XFA_ANSWERS, single_stream: bool = False) -> bytes:
    template_xml, data_xml = ET.tostring(template()), ET.tostring(datasets(answers))
    if single_stream:
        xdp = b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/">' + template_xml + data_xml + b"</xdp:xdp>"
        return xfa_pdf(packet(xdp))
    return xfa_pdf([("template", packet(template_xml)), ("datasets", packet(data_xml))])


# -- hostile ----------------------------------------------------------------

def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{n} "{"&l%d;" % (n - 1) * 10}">' for n in range(1, 10))
    xml = f'<?xml version="1.0"?><!DOCTYPE template [<!ENTITY l0 "ha">{entities}]>' \
          f'<template><subform><draw><value><text>&l9;</text></value></draw></subform></template>'
    return xfa_pdf([("template", packet(xml.encode()))])


def deep_nesting(depth: int = 100_000) -> bytes:
    xml = b"<template>" + b"<subform>" * depth + b"</subform>" * depth + b"</template>"
    return xfa_pdf([("template", packet(xml))])


def huge_stream(gigabytes: int = 1) -> bytes:
    """A template packet of about a megabyte that inflates to ``gigabytes`` GiB."""
    bomb = packet(zlib_zeros(gigabytes * 64), flate=False)
    bomb[NameObject("/Filter")] = NameObject("/FlateDecode")
    return xfa_pdf([("template", bomb)])
