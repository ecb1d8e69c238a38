"""The AcroForm field tree, read without loading any page (pikepdf / qpdf).

Our own fillable form names its fields by canonical keys, so its values can
be taken straight from the field tree. Walking the tree with qpdf costs
about 1.5 ms a file, where loading every page in PDFium with its form
environment costs four times more: this is what lets a batch of fillable
forms go at hundreds of files a second. The check-box rule is the one of
``extract.pdfium_annots``: the field's value (/V) decides over the drawn
state (/AS), and /Opt turns index states into export values.
"""
from __future__ import annotations

from typing import Iterator

import pikepdf

from extract.tokens import FormField

MAX_FIELDS = 5000  # a questionnaire has 42; a form with more is read the slow way
_OFF = ("", "/Off", "Off")


def form_fields(pdf: pikepdf.Pdf) -> list[FormField]:
    """Every terminal field's widgets, with page numbers and top-left boxes."""
    acroform = pdf.Root.get("/AcroForm")
    if acroform is None or "/Fields" not in acroform:
        return []
    pages = {page.objgen: (number, float(page.mediabox[3])) for number, page in enumerate(pdf.pages, 1)}
    found: list[FormField] = []
    for name, node, inherited in _terminals(acroform.Fields):
        found.extend(_widgets(name, node, inherited, pages))
        if len(found) > MAX_FIELDS:
            return []
    return found


def _terminals(fields, prefix: str = "", inherited: dict | None = None,
               depth: int = 0) -> Iterator[tuple[str, pikepdf.Dictionary, dict]]:
    """Fully qualified names of the fields that hold values, with inherited /FT /V /Opt."""
    inherited = inherited or {}
    if depth > 32:  # a loop or an absurd tree in a hostile file
        return
    for node in fields:
        if not isinstance(node, pikepdf.Dictionary):
            continue
        title = node.get("/T")
        name = f"{prefix}.{title}" if prefix and title is not None else str(title) if title is not None else prefix
        here = {**inherited, **{k: node[k] for k in ("/FT", "/V", "/Opt", "/Ff") if k in node}}
        kids = node.get("/Kids")
        if isinstance(kids, pikepdf.Array) and any(isinstance(k, pikepdf.Dictionary) and "/T" in k for k in kids):
            yield from _terminals(kids, name, here, depth + 1)
        else:
            yield name, node, here


def _widgets(name: str, node: pikepdf.Dictionary, inherited: dict, pages: dict) -> list[FormField]:
    kids = node.get("/Kids")
    widgets = [k for k in kids if isinstance(k, pikepdf.Dictionary)] if isinstance(kids, pikepdf.Array) else [node]
    kind = str(inherited.get("/FT", ""))
    value = inherited.get("/V")
    found = []
    for widget in widgets:
        page, height = pages.get(widget.get("/P").objgen if "/P" in widget else None, (0, 0.0))
        bbox = _bbox(widget, height)
        if kind == "/Btn":
            export = _export(widget, inherited.get("/Opt"))
            checked = _checked(value, widget, export, len(widgets))
            found.append(FormField(name, "box", export, checked, page, bbox))
        elif kind in ("/Tx", "/Ch"):
            found.append(FormField(name, "text", _text(value), None, page, bbox))
    return found


def _text(value) -> str | None:
    if isinstance(value, pikepdf.Array):
        value = " ".join(str(v) for v in value)
    text = str(value).strip() if value is not None else ""
    return text or None


def _on_state(widget: pikepdf.Dictionary) -> str | None:
    appearance = widget.get("/AP")
    normal = appearance.get("/N") if isinstance(appearance, pikepdf.Dictionary) else None
    if isinstance(normal, pikepdf.Dictionary):
        return next((str(k)[1:] for k in normal.keys() if k != "/Off"), None)
    return None


def _export(widget: pikepdf.Dictionary, options) -> str | None:
    """This widget's export value: its on-state name, or /Opt's entry when the state is an index."""
    state = _on_state(widget)
    if state is not None and state.isdigit() and isinstance(options, pikepdf.Array):
        index = int(state)
        if index < len(options):
            return str(options[index])
    return state


def _checked(value, widget: pikepdf.Dictionary, export: str | None, count: int) -> bool:
    """Ticked when /V says so (any state but Off for a lone box, its own state in a group)."""
    if value is not None and str(value) not in _OFF:
        if count <= 1:
            return True
        text = str(value)[1:] if str(value).startswith("/") else str(value)
        return text in (export, _on_state(widget))
    if value is not None:
        return False
    return str(widget.get("/AS", "/Off")) not in _OFF


def _bbox(widget: pikepdf.Dictionary, height: float) -> tuple[float, float, float, float]:
    rect = widget.get("/Rect")
    if not isinstance(rect, pikepdf.Array) or len(rect) != 4:
        return (0.0, 0.0, 0.0, 0.0)
    x0, y0, x1, y1 = (float(v) for v in rect)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    return (x0, height - y1, x1, height - y0)
