"""The questionnaire as a fillable PDF (AcroForm) whose field names are the canonical keys.

The paper form (:mod:`questionnaire.paper`) is drawn first; a widget is then
placed on every zone and box of its geometry. A "." in a PDF field's partial
name (/T) is a hierarchy separator, so the fields form a real tree: the key
``staff.managers.women`` is the field ``women``, kid of ``managers``, kid of
``staff``, and every reader (pypdf included) reports the fully qualified name
``staff.managers.women``.

Field kinds and export values:

- text fields for numbers and texts (``policy.text`` multi-line, MaxLen 1000;
  the commitments' details multi-line);
- ``board.exists``: a radio group with the states ``/Oui`` and ``/Non``;
- each officer: a radio group with one state per gender column, named by the
  column's printed label (``/Femme``, ``/Homme``, ``/Non binaire``,
  ``/Ne se prononce pas``);
- each ``commitments.<id>.done``: a check box whose on state is ``/Oui``.

A tick's appearance is a vector cross, so a flattened form keeps no glyph in
the page text for it. Filled text gets Helvetica appearances (pypdf); when a
value has characters WinAnsi cannot show, /NeedAppearances asks viewers to
redraw it (the value itself, /V, is always exact).
"""
from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject,
                           IndirectObject, NameObject, NumberObject, PdfObject, TextStringObject)

from questionnaire.definition import FieldDef, Form
from questionnaire.paper import Geometry, Style, Zone, choice_labels, render_form
from questionnaire.types import choices_of, type_of

FLAG_MULTILINE = 1 << 12
FLAG_NO_TOGGLE_TO_OFF = 1 << 14
FLAG_RADIO = 1 << 15
PRINT = 4  # annotation flag: the widget is printed
FONT = "/Helv"
TEXT_SIZE = 9
OFF = "/Off"


def is_box(fdef: FieldDef) -> bool:
    """Whether the field is answered by ticking boxes rather than by writing."""
    return type_of(fdef).box


def export_values(form: Form, fdef: FieldDef) -> dict[str, str]:
    """Choice id -> PDF state name of a box field (``"yes"`` -> ``"/Oui"``)."""
    if not type_of(fdef).yes_no:
        return {c.id: f"/{c.label.rstrip('*')}" for c in choices_of(fdef, form)}
    yes_no = {value: f"/{word}" for value, word in choice_labels(form).items()}
    return yes_no if fdef.read == "choice" else {"yes": yes_no["yes"]}


def render_fillable(style: Style | str, values: dict[str, Any] | None = None, *, form: Form) -> bytes:
    """The paper form with one widget per canonical key, filled with ``values`` when given.

    ``values`` maps canonical keys to canonical values (numbers, text,
    ``True``/``False`` for yes/no boxes, a gender id for officers); a string
    is written as is, so raw bidder text such as ``"45,5 %"`` can be filled.
    """
    pdf, geometry = render_form(style, form=form)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    _AcroFormBuilder(writer, form, geometry).build()
    if values:
        _fill(writer, form, values)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flatten(pdf_bytes: bytes) -> bytes:
    """The same PDF with each widget's appearance drawn into its page and no form left.

    Filled values become page text and ticks vector crosses in the page's
    own content stream; widgets and the AcroForm are removed, as "print to
    PDF" does.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    for page in writer.pages:
        stamps = [_stamp(page, widget.get_object()) for widget in page.get("/Annots", [])
                  if widget.get_object().get("/Subtype") == "/Widget"]
        if any(stamps):
            _append_content(page, b"".join(stamps))
    writer.remove_annotations(subtypes="/Widget")
    if "/AcroForm" in writer.root_object:
        del writer.root_object["/AcroForm"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- building the form ---------------------------------------------------------

class _AcroFormBuilder:
    """Adds the field tree and its widgets to the pages of ``writer``."""

    def __init__(self, writer: PdfWriter, form: Form, geometry: Geometry) -> None:
        self.writer, self.form, self.geometry = writer, form, geometry
        self.nodes: dict[str, DictionaryObject] = {}
        self.top: ArrayObject = ArrayObject()
        size = next(iter(geometry.boxes.values())).bbox
        self.on = self._ref(_cross(size[2] - size[0], size[3] - size[1]))
        self.off = self._ref(_stream(b"", size[2] - size[0], size[3] - size[1]))

    def build(self) -> None:
        for fdef in self.form.fields:
            if is_box(fdef):
                self._box_field(fdef)
            else:
                self._text_field(fdef, self.geometry.values[fdef.key])
        self.writer.root_object[NameObject("/AcroForm")] = self._ref(DictionaryObject({
            NameObject("/Fields"): self.top,
            NameObject("/DA"): TextStringObject(f"{FONT} {TEXT_SIZE} Tf 0 g"),
            NameObject("/DR"): DictionaryObject({NameObject("/Font"): DictionaryObject({
                NameObject(FONT): self._ref(_helvetica())})}),
        }))

    def _ref(self, obj: PdfObject) -> IndirectObject:
        return self.writer._add_object(obj)

    def _field(self, key: str, entries: dict[str, PdfObject]) -> DictionaryObject:
        """The terminal field of ``key``, hung under its parents (created as needed)."""
        *parents, name = key.split(".")
        parent = self._parent(".".join(parents)) if parents else None
        node = DictionaryObject({NameObject("/T"): TextStringObject(name)})
        node.update({NameObject(k): v for k, v in entries.items()})
        ref = self._ref(node)
        self._attach(ref, node, parent)
        return node

    def _parent(self, path: str) -> DictionaryObject:
        if path not in self.nodes:
            *parents, name = path.split(".")
            grand = self._parent(".".join(parents)) if parents else None
            node = DictionaryObject({NameObject("/T"): TextStringObject(name),
                                     NameObject("/Kids"): ArrayObject()})
            self._attach(self._ref(node), node, grand)
            self.nodes[path] = node
        return self.nodes[path]

    def _attach(self, ref: IndirectObject, node: DictionaryObject,
                parent: DictionaryObject | None) -> None:
        if parent is None:
            self.top.append(ref)
        else:
            node[NameObject("/Parent")] = parent.indirect_reference
            parent["/Kids"].append(ref)

    def _widget(self, zone: Zone) -> dict[str, PdfObject]:
        page = self.writer.pages[zone.page - 1]
        height = self.geometry.page_size[1]
        x0, top, x1, bottom = zone.bbox
        return {
            "/Type": NameObject("/Annot"),
            "/Subtype": NameObject("/Widget"),
            "/Rect": ArrayObject(FloatObject(round(v, 3)) for v in (x0, height - bottom, x1, height - top)),
            "/P": page.indirect_reference,
            "/F": NumberObject(PRINT),
        }

    def _add_to_page(self, zone: Zone, widget: DictionaryObject) -> None:
        page = self.writer.pages[zone.page - 1]
        if "/Annots" not in page:
            page[NameObject("/Annots")] = ArrayObject()
        page["/Annots"].append(widget.indirect_reference)

    def _text_field(self, fdef: FieldDef, zone: Zone) -> None:
        multiline = fdef.read in ("area", "details")
        size = 0 if fdef.read == "details" else TEXT_SIZE  # 0: shrink to fit the two lines
        entries = self._widget(zone) | {
            "/FT": NameObject("/Tx"),
            "/DA": TextStringObject(f"{FONT} {size} Tf 0 g"),
            "/Ff": NumberObject(FLAG_MULTILINE if multiline else 0),
            "/TU": TextStringObject(fdef.label),
        }
        if fdef.max_length:
            entries["/MaxLen"] = NumberObject(fdef.max_length)
        if fdef.table:
            entries["/Q"] = NumberObject(1)  # centred in its cell
        self._add_to_page(zone, self._field(fdef.key, entries))

    def _box_field(self, fdef: FieldDef) -> None:
        states = export_values(self.form, fdef)
        entries: dict[str, PdfObject] = {"/FT": NameObject("/Btn"), "/TU": TextStringObject(fdef.label)}
        if len(states) == 1:  # a check box: field and widget in one
            zone = self.geometry.boxes[(fdef.key, "yes")]
            entries |= self._box_widget(zone, states["yes"]) | {"/Ff": NumberObject(0)}
            self._add_to_page(zone, self._field(fdef.key, entries))
            return
        entries |= {"/Ff": NumberObject(FLAG_RADIO | FLAG_NO_TOGGLE_TO_OFF), "/Kids": ArrayObject()}
        group = self._field(fdef.key, entries)
        for choice, state in states.items():
            zone = self.geometry.boxes[(fdef.key, choice)]
            widget = DictionaryObject({NameObject(k): v for k, v in self._box_widget(zone, state).items()})
            widget[NameObject("/Parent")] = group.indirect_reference
            group["/Kids"].append(self._ref(widget))
            self._add_to_page(zone, widget)

    def _box_widget(self, zone: Zone, state: str) -> dict[str, PdfObject]:
        appearances = DictionaryObject({NameObject(state): self.on, NameObject(OFF): self.off})
        return self._widget(zone) | {
            "/AS": NameObject(OFF),
            "/AP": DictionaryObject({NameObject("/N"): appearances}),
            "/MK": DictionaryObject({NameObject("/CA"): TextStringObject("8")}),  # ZapfDingbats cross
        }


def _stream(data: bytes, width: float, height: float) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (0, 0, round(width, 3), round(height, 3))),
    })
    return stream


def _cross(width: float, height: float) -> DecodedStreamObject:
    """A tick's appearance: a vector cross inside the box."""
    m = 2.0
    data = (f"q 0 G 1.2 w 1 J {m} {m} m {width - m:.3f} {height - m:.3f} l S "
            f"{m} {height - m:.3f} m {width - m:.3f} {m} l S Q").encode()
    return _stream(data, width, height)


def _helvetica() -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })


# -- filling -------------------------------------------------------------------

def _fill(writer: PdfWriter, form: Form, values: dict[str, Any]) -> None:
    unknown = set(values) - set(form.keys)
    if unknown:
        raise KeyError(f"not canonical keys: {sorted(unknown)}")
    given = {key: value for key, value in values.items() if value is not None}
    texts = {key: _as_text(value) for key, value in given.items() if not is_box(form.field(key))}
    if texts:
        writer.update_page_form_field_values(None, texts, auto_regenerate=not _encodable(texts))
    states = {key: _state(form, form.field(key), value) for key, value in given.items()
              if is_box(form.field(key))}
    for page in writer.pages:
        for ref in page.get("/Annots", []):
            _set_state(ref.get_object(), states)


def _encodable(texts: dict[str, str]) -> bool:
    """Whether Helvetica (WinAnsi) can show every value; if not, viewers must redraw them."""
    try:
        "".join(texts.values()).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _as_text(value: Any) -> str:
    """A value as a French bidder would type it: 12,5 rather than 12.5."""
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _state(form: Form, fdef: FieldDef, value: Any) -> str:
    states = export_values(form, fdef)
    if isinstance(value, bool):
        return states["yes"] if value else states.get("no", OFF)
    return states[value]


def _set_state(widget: DictionaryObject, states: dict[str, str]) -> None:
    """Switch a box widget on when its field's value is its own on state."""
    field = widget.get("/Parent", widget).get_object() if "/T" not in widget else widget
    name = _qualified_name(field)
    if name not in states:
        return
    state = NameObject(states[name])
    own = state if state in widget["/AP"]["/N"] else NameObject(OFF)
    widget[NameObject("/AS")] = own
    field[NameObject("/V")] = state


def _qualified_name(field: DictionaryObject) -> str:
    parts = []
    while field is not None:
        parts.append(str(field["/T"]))
        field = field.get("/Parent")
        field = field.get_object() if field is not None else None
    return ".".join(reversed(parts))


# -- flattening ----------------------------------------------------------------

def _stamp(page: Any, widget: DictionaryObject) -> bytes:
    """The page content that draws the widget's current appearance where the widget is.

    The appearance's operators are copied into the page (its fonts added to
    the page's resources) rather than called as a form XObject, so values and
    ticks are plain page content for any reader.
    """
    appearance = widget.get("/AP", {}).get("/N")
    if appearance is None:
        return b""
    appearance = appearance.get_object()
    if "/BBox" not in appearance:  # a state dictionary: the state shown
        appearance = appearance.get(widget.get("/AS", OFF))
        if appearance is None:
            return b""
        appearance = appearance.get_object()
    fonts = appearance.get("/Resources", {}).get("/Font", {})
    if fonts:
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
        resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object().update(fonts)
    x, y = (float(v) for v in widget["/Rect"][:2])
    bx, by = (float(v) for v in appearance["/BBox"][:2])
    # The closing "n" ends any path left open: pypdf's text appearances clip
    # with "re W" and no "n", which inlined would be stroked by the next "S".
    return f"q 1 0 0 1 {x - bx:.3f} {y - by:.3f} cm\n".encode() + appearance.get_data() + b"\nn\nQ\n"


def _append_content(page: Any, extra: bytes) -> None:
    contents = page.get_contents()
    stream = DecodedStreamObject()
    stream.set_data(b"q\n" + (contents.get_data() if contents is not None else b"") + b"\nQ\n" + extra)
    page.replace_contents(stream)
    page.compress_content_streams()
