"""The AcroForm field tree, read without loading any page (pikepdf / qpdf).

Our own fillable form names its fields by canonical keys, so its values can
be taken straight from the field tree. Walking the tree with qpdf costs
about 1.5 ms a file, where loading every page in PDFium with its form
environment costs four times more: this is what lets a batch of fillable
forms go at hundreds of files a second.

Check boxes and option buttons of every producer are decided here
(:func:`box_state`), for our form and, through :func:`box_states`, for the
widgets PDFium places on the page: PDFium reads a button only from its drawn
state (/AS) and never from the field's value (/V), which is all some
producers fill in (LibreOffice Writer's exports, with empty appearance
streams and /NeedAppearances asking the viewer to draw them).
"""
from __future__ import annotations

from typing import Iterator

import pikepdf

from extract.tokens import FormField

MAX_FIELDS = 5000  # a questionnaire has 42; a form with more is read the slow way
_OFF = ("", "Off", "off", "OFF")


def form_fields(pdf: pikepdf.Pdf) -> list[FormField]:
    """Every terminal field's widgets, with page numbers and top-left boxes."""
    acroform = pdf.Root.get("/AcroForm")
    if acroform is None or "/Fields" not in acroform:
        return []
    pages = {page.objgen: (number, float(page.mediabox[3])) for number, page in enumerate(pdf.pages, 1)}
    trust_value = bool(acroform.get("/NeedAppearances", False))
    found: list[FormField] = []
    for name, node, keys, kids, inherited in _terminals(acroform.Fields):
        found.extend(_widgets(name, node, keys, kids, inherited, pages, trust_value))
        if len(found) > MAX_FIELDS:
            return []
    return found


def _terminals(fields, prefix: str = "", inherited: dict | None = None, depth: int = 0
               ) -> Iterator[tuple[str, pikepdf.Dictionary, set[str], list | None, dict]]:
    """Fully qualified names of the fields that hold values, with inherited /FT /V /Opt.

    Each node's keys are asked once (a set of names), its kids listed once: every call into
    pikepdf costs about as much as the Python around it, and the walk makes hundreds a file.
    Yields the node, its keys, its kids (the dictionaries of its /Kids array, None without
    one) and what it inherits.
    """
    inherited = inherited or {}
    if depth > 32:  # a loop or an absurd tree in a hostile file
        return
    for node in fields:
        if not isinstance(node, pikepdf.Dictionary):
            continue
        keys = node.keys()
        title = _entry(node, "/T", keys)
        name = f"{prefix}.{title}" if prefix and title is not None else str(title) if title is not None else prefix
        here = {**inherited, **{k: node[k] for k in _INHERITED if k in keys}} if not keys.isdisjoint(_INHERITED) \
            else inherited
        kids = _entry(node, "/Kids", keys)
        if isinstance(kids, pikepdf.Array):
            kids = [k for k in kids if isinstance(k, pikepdf.Dictionary)]
            if any("/T" in k for k in kids):
                yield from _terminals(kids, name, here, depth + 1)
                continue
        else:
            kids = None
        yield name, node, keys, kids, here


_INHERITED = ("/FT", "/V", "/Opt")  # what a terminal field's widgets take from the fields above it


def _widgets(name: str, node: pikepdf.Dictionary, keys: set[str], kids: list | None, inherited: dict,
             pages: dict, trust_value: bool) -> list[FormField]:
    widgets = [(node, keys)] if kids is None else [(kid, kid.keys()) for kid in kids]
    kind = str(inherited.get("/FT", ""))
    value = _state_name(inherited.get("/V"))
    found = []
    for index, (widget, widget_keys) in enumerate(widgets):
        page, height = _page(widget, widget_keys, pages)
        bbox = _bbox(widget, widget_keys, height)
        if kind == "/Btn":
            on_state = _on_state(widget, widget_keys)
            export = _export(on_state, inherited.get("/Opt"), index)
            drawn = _state_name(_entry(widget, "/AS", widget_keys))
            checked = box_state(value, on_state, export, drawn, grouped=len(widgets) > 1, trust_value=trust_value)
            found.append(FormField(name, "box", export, checked, page, bbox))
        elif kind in ("/Tx", "/Ch"):
            found.append(FormField(name, "text", _text(inherited.get("/V")), None, page, bbox))
    return found


def _page(widget: pikepdf.Dictionary, keys: set[str], pages: dict) -> tuple[int, float]:
    """The widget's page number and height; (0, 0.0) when it names no page of the file."""
    page = _entry(widget, "/P", keys)
    return pages.get(page.objgen if page is not None else None, (0, 0.0))


def box_states(fields: list[FormField]) -> dict[tuple[str, int], bool | None]:
    """Each box's state by field name and rank among the field's widgets (as PDFium numbers its controls)."""
    states: dict[tuple[str, int], bool | None] = {}
    ranks: dict[str, int] = {}
    for item in fields:
        if item.kind == "box":
            rank = ranks.get(item.name, 0)
            states[(item.name, rank)] = item.checked
            ranks[item.name] = rank + 1
    return states


def box_state(value: str | None, on_state: str | None, export: str | None, drawn: str | None,
              grouped: bool, trust_value: bool) -> bool | None:
    """Whether one check box or option button is ticked; None when it cannot be told.

    ``value`` is the field's /V, ``drawn`` the widget's /AS (state names
    without the slash, None when absent), ``on_state`` the widget's ticked
    appearance, ``export`` its export value (/Opt's entry for its rank).
    The value decides when the drawn state is missing or cannot be drawn
    (no ticked appearance), and always under /NeedAppearances (the viewer
    draws from the value; the file's /AS may be stale); a value and a drawn
    state that disagree otherwise are a doubt. Neither: not ticked.
    """
    by_drawing = None if drawn is None else drawn not in _OFF and (on_state is None or drawn == on_state)
    if value is None:
        return bool(by_drawing)
    if value in _OFF:
        by_value: bool | None = False
    elif not grouped:
        by_value = True
    elif on_state is None and export is None:
        return by_drawing  # a group's value, and nothing to tell this widget's own
    else:
        by_value = value in (export, on_state)
    if trust_value or by_drawing is None or on_state is None or by_drawing == by_value:
        return by_value
    return None


def _text(value) -> str | None:
    if isinstance(value, pikepdf.Array):
        value = " ".join(str(v) for v in value)
    text = str(value).strip() if value is not None else ""
    return text or None


def _state_name(value) -> str | None:
    """A /V or /AS as a plain string ("/Oui" and "(Oui)" both give "Oui"); None when absent."""
    if value is None or isinstance(value, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)):
        return None
    text = str(value)
    return text[1:] if isinstance(value, pikepdf.Name) else text


def _on_state(widget: pikepdf.Dictionary, keys: set[str]) -> str | None:
    """The widget's ticked appearance: its normal (else down) appearance's state other than Off.

    A widget drawn with several such states gets the first by name: pikepdf gives a dictionary's keys
    as a set, whose order changes from one run of Python to the next."""
    appearance = _entry(widget, "/AP", keys)
    if not isinstance(appearance, pikepdf.Dictionary):
        return None
    for key in ("/N", "/D"):
        states = _entry(appearance, key)
        if isinstance(states, pikepdf.Dictionary):
            state = min((str(k)[1:] for k in states.keys() if k != "/Off"), default=None)
            if state is not None:
                return state
    return None


def _export(on_state: str | None, options, rank: int) -> str | None:
    """This widget's export value: /Opt's entry for its rank (one per widget), else its on-state."""
    if isinstance(options, pikepdf.Array) and rank < len(options):
        option = options[rank]
        if isinstance(option, pikepdf.Array) and len(option):  # [export, shown] pairs (choice style)
            option = option[0]
        return str(option)
    return on_state


def _entry(dictionary: pikepdf.Dictionary, key: str, keys: set[str] | None = None):
    """A dictionary's entry, None when it has none: asking first costs a sixth of pikepdf's ``get``,
    which raises and catches an exception for a missing key (most widgets lack /Kids, /T or /AS).
    ``keys``: the dictionary's keys when the caller has them (one call into pikepdf for all)."""
    return dictionary[key] if key in (dictionary if keys is None else keys) else None


def _bbox(widget: pikepdf.Dictionary, keys: set[str], height: float) -> tuple[float, float, float, float]:
    rect = _entry(widget, "/Rect", keys)
    if not isinstance(rect, pikepdf.Array) or len(rect) != 4:
        return (0.0, 0.0, 0.0, 0.0)
    box = pikepdf.Rectangle(rect)  # corners ordered, as floats (a non-number raises, as float() would)
    return (box.llx, height - box.ury, box.urx, height - box.lly)
