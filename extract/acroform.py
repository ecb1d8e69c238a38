"""The AcroForm field tree, read without loading any page (pikepdf / qpdf).

Our own fillable form names its fields by canonical keys, so its values can
be taken straight from the field tree. Opening the file and walking the
tree with qpdf costs about 1 ms a file (a third of it qpdf parsing the
tree's objects, most of the rest the calls into pikepdf, one or two
microseconds each), where loading every page in PDFium with its form
environment costs several times more: this is what lets a batch of fillable
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
    for name, widgets, inherited in _terminals(_keyed(acroform.Fields)):
        found.extend(_widgets(name, widgets, inherited, pages, trust_value))
        if len(found) > MAX_FIELDS:
            return []
    return found


def _terminals(nodes: list[tuple[pikepdf.Dictionary, set[str]]], prefix: str = "", inherited: dict | None = None,
               depth: int = 0) -> Iterator[tuple[str, list[tuple[pikepdf.Dictionary, set[str]]], dict]]:
    """Fully qualified names of the fields that hold values, with inherited /FT /V /Opt.

    Each node's keys are asked once (a set of names), its kids listed once: every call into
    pikepdf costs about as much as the Python around it, and the walk makes hundreds a file.
    ``nodes``: dictionaries with their keys. Yields each field's widgets (the node itself, or
    the dictionaries of its /Kids array), each with its keys, and what it inherits.
    """
    inherited = inherited or {}
    for node, keys in nodes:
        if "/T" in keys:
            title = node["/T"]
            name = f"{prefix}.{title}" if prefix else str(title)
        else:
            name = prefix
        here = {**inherited, **{k: node[k] for k in _INHERITED if k in keys}} if not keys.isdisjoint(_INHERITED) \
            else inherited
        kids = node["/Kids"] if "/Kids" in keys else None
        if kids is None or not isinstance(kids, pikepdf.Array):  # a widget's: no call into pikepdf for None
            yield name, [(node, keys)], here
        elif depth == _MAX_DEPTH:  # kids that are fields would be too deep: their keys are not asked
            kids = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary)]
            if not any("/T" in kid for kid in kids):
                yield name, _keyed(kids), here
        else:
            kids = _keyed(kids)
            if any("/T" in kid_keys for _, kid_keys in kids):
                yield from _terminals(kids, name, here, depth + 1)
            else:
                yield name, kids, here


_MAX_DEPTH = 32  # of the fields' tree: a loop or an absurd tree in a hostile file ends there


def _keyed(nodes) -> list[tuple[pikepdf.Dictionary, set[str]]]:
    """The dictionaries among ``nodes``, each with its keys."""
    return [(node, node.keys()) for node in nodes if isinstance(node, pikepdf.Dictionary)]


_INHERITED = ("/FT", "/V", "/Opt")  # what a terminal field's widgets take from the fields above it


def _widgets(name: str, widgets: list[tuple[pikepdf.Dictionary, set[str]]], inherited: dict, pages: dict,
             trust_value: bool) -> list[FormField]:
    kind = str(inherited.get("/FT", ""))
    value = inherited.get("/V")
    if kind in ("/Tx", "/Ch") and widgets:
        text = _text(value)
        return [FormField(name, "text", text, None, *_place(widget, keys, pages)) for widget, keys in widgets]
    state = _state_name(value)  # asked of every other field: a name not in UTF-8 fails the tree here
    if kind != "/Btn":
        for widget, keys in widgets:
            _place(widget, keys, pages)  # asked of every widget: a /P or /Rect that is not one fails the tree
        return []
    options = inherited.get("/Opt")
    grouped = len(widgets) > 1
    found = []
    for index, (widget, keys) in enumerate(widgets):
        page, bbox = _place(widget, keys, pages)
        on_state = _on_state(widget, keys)
        export = _export(on_state, options, index)
        drawn = _state_name(widget["/AS"]) if "/AS" in keys else None
        checked = box_state(state, on_state, export, drawn, grouped=grouped, trust_value=trust_value)
        found.append(FormField(name, "box", export, checked, page, bbox))
    return found


def _place(widget: pikepdf.Dictionary, keys: set[str], pages: dict) -> tuple[int, tuple[float, float, float, float]]:
    """The widget's page number (0 when it names no page of the file) and its top-left box on that page
    (from height 0 without a page; an empty box when its /Rect is not four numbers)."""
    page, height = pages.get(widget["/P"].objgen, _NO_PAGE) if "/P" in keys else _NO_PAGE
    rect = widget["/Rect"] if "/Rect" in keys else None
    if not isinstance(rect, pikepdf.Array) or len(rect) != 4:
        return page, (0.0, 0.0, 0.0, 0.0)
    box = pikepdf.Rectangle(rect)  # corners ordered, as floats (a non-number raises, as float() would)
    return page, (box.llx, height - box.ury, box.urx, height - box.lly)


_NO_PAGE = (0, 0.0)


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
    if value is None:
        return None
    if isinstance(value, pikepdf.Array):
        value = " ".join(str(v) for v in value)
    return str(value).strip() or None


def _state_name(value) -> str | None:
    """A /V or /AS as a plain string ("/Oui" and "(Oui)" both give "Oui"); None when absent.

    A name, what a box's value and drawn state mostly are, is asked first: each type asked of a
    pikepdf object is a call into it."""
    if isinstance(value, pikepdf.Name):
        return str(value)[1:]
    if value is None or isinstance(value, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)):
        return None
    return str(value)


def _on_state(widget: pikepdf.Dictionary, keys: set[str]) -> str | None:
    """The widget's ticked appearance: its normal (else down) appearance's state other than Off.

    A widget drawn with several such states gets the first by name: pikepdf gives a dictionary's keys
    as a set, whose order changes from one run of Python to the next."""
    appearance = widget["/AP"] if "/AP" in keys else None
    if not isinstance(appearance, pikepdf.Dictionary):
        return None
    for key in ("/N", "/D"):
        states = appearance.get(key)  # one call where the appearance has it (asking first costs two)
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
