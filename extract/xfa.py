"""XFA forms (Adobe LiveCycle Designer) as positioned words and marks.

An XFA form's PDF pages are often a placeholder ("Veuillez patienter…") and
PDFium has no XFA support here, so the printed labels are not in the page
text: the form lives in the ``/AcroForm /XFA`` entry, as XML. The
**template** packet lays the form out (subforms, ``<draw>`` texts, fields
with captions); the **datasets** packet holds the values. This module lays
the template out roughly as a renderer would (positioned subforms, simple
top-to-bottom and left-to-right flows, tables, page breaks) and returns
:class:`~extract.tokens.Page` objects: labels as text words, field values as
``form_field`` words at the field's place, check buttons as marks; so the one
label-anchored reader (``extract.fields``) reads them unchanged.

Every file is untrusted: packets are size-capped, the XML parser refuses
DTDs and entity declarations and caps the element count and depth, and any
failure gives None (the file is then treated as having no XFA).
"""
from __future__ import annotations

import logging
import re
import xml.parsers.expat as expat
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from extract.tokens import Mark, Page, Word
from questionnaire.record import SOURCE_FORM_FIELD

log = logging.getLogger(__name__)
# pypdf warns about every repair it makes to a broken file; the PDF was already judged by PDFium.
logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_PACKET_BYTES = 16 * 2**20  # decoded size of one packet (a large real template is ~2 MB)
MAX_ELEMENTS = 300_000  # per packet (a large real template has ~15,000)
MAX_DEPTH = 100  # element nesting; the layout recurses over it
MAX_PACKETS = 64  # name/stream pairs of an /XFA array
MAX_PAGES = 100
DEFAULT_FONT = 10.0  # points
CHAR_WIDTH = 0.5  # of the font size, per character: a rough average
LINE_HEIGHT = 1.2  # of the font size
DEFAULT_BOX = 10.0  # points, a check button without a size
POINTS = {"in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pt": 1.0, "mp": 0.001, "px": 1.0}
_MEASURE = re.compile(r"\s*(-?[0-9]*\.?[0-9]+)\s*([a-z]*)\s*$")
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
_CSS_SIZE = re.compile(r"font-size\s*:\s*([0-9.]+)\s*pt")
_CONTAINERS = ("subform", "exclGroup", "area", "subformSet")
_FLOWED = ("tb", "table", "lr-tb", "rl-tb", "row", "rl-row")
_NOT_TEXT = ("image", "line", "rectangle", "arc")  # <value> contents that print no text
_NO_VALUE_UI = ("button", "imageEdit", "signature", "barcode")  # fields whose value is no answer
_HIDDEN = ("hidden", "inactive", "invisible")
_PAGE_SIZES = {"letter": (612.0, 792.0), "a4": (595.28, 841.89), "legal": (612.0, 1008.0)}


class Refused(Exception):
    """The XFA data is hostile or too big to read."""


def xfa_pages(path: Path) -> list[Page] | None:
    """The XFA form of ``path`` laid out as pages, or None (no XFA, or unreadable).

    Never raises: the input is untrusted and XFA is only one more channel.
    """
    try:
        packets = xfa_packets(path)
        if "template" not in packets:
            return None
        pages = Layout(packets["template"], _data(packets.get("datasets"))).pages()
        return pages or None
    except Exception as error:  # noqa: BLE001 - hostile input: pypdf, expat and layout may fail in many ways
        log.debug("XFA of %s not read: %r", path, error)
        return None


# -- packets ------------------------------------------------------------------

def xfa_packets(path: Path) -> dict[str, ET.Element]:
    """The template and datasets packets of the /XFA entry (one XDP stream, or name/stream pairs), parsed."""
    import pypdf  # imported when a file's text shows no form: a run of text or fillable files never needs it
    from pypdf.generic import ArrayObject, StreamObject

    with pypdf.apply_configuration(zlib_maximum_output_length=MAX_PACKET_BYTES,
                                   maximum_declared_stream_length=MAX_PACKET_BYTES,
                                   xfa_decoding_work_maximum_length=4 * MAX_PACKET_BYTES):
        reader = pypdf.PdfReader(path, strict=False)
        acroform = reader.trailer["/Root"].get_object().get("/AcroForm")
        xfa = acroform.get_object().get("/XFA") if acroform is not None else None
        xfa = xfa.get_object() if xfa is not None else None
        if isinstance(xfa, StreamObject):
            root = parse_xml(_decoded(xfa))
            return {child.tag: child for child in root if child.tag in ("template", "datasets")}
        if isinstance(xfa, ArrayObject) and len(xfa) <= 2 * MAX_PACKETS:
            return {str(name): parse_xml(_decoded(stream.get_object())) for name, stream in zip(xfa[::2], xfa[1::2])
                    if str(name) in ("template", "datasets")}
        return {}


def _decoded(stream: object) -> bytes:
    from pypdf.generic import StreamObject

    if not isinstance(stream, StreamObject):
        raise Refused("an XFA packet is not a stream")
    data = stream.get_data()
    if len(data) > MAX_PACKET_BYTES:
        raise Refused(f"XFA packet of {len(data)} bytes")
    return data


class _SafeTree:
    """An expat-driven ElementTree builder that refuses DTDs, entities and
    oversized trees. Namespace prefixes are dropped ("xfa:data" → "data"):
    XFA packets never mix two vocabularies that share local names."""

    def __init__(self) -> None:
        self.builder = ET.TreeBuilder()
        self.count = 0
        self.depth = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.count += 1
        self.depth += 1
        if self.count > MAX_ELEMENTS or self.depth > MAX_DEPTH:
            raise Refused("XML too large or too deep")
        self.builder.start(_local(name), {_local(k): v for k, v in attributes.items()})

    def end(self, name: str) -> None:
        self.depth -= 1
        self.builder.end(_local(name))

    @staticmethod
    def refuse(*_: object) -> None:
        raise Refused("DTD or entity declaration in XFA")


def parse_xml(data: bytes) -> ET.Element:
    """Parse untrusted XML: no DTD, no entity declaration, bounded size and depth.

    Some producers write a bare "&" in data values: when the XML is not well
    formed, it is read once more with those escaped.
    """
    if len(data) > MAX_PACKET_BYTES:
        raise Refused("XML too large")
    try:
        return _parse(data)
    except expat.ExpatError:
        return _parse(_BARE_AMPERSAND.sub(b"&amp;", data))


def _parse(data: bytes) -> ET.Element:
    tree = _SafeTree()
    parser = expat.ParserCreate()
    parser.StartElementHandler = tree.start
    parser.EndElementHandler = tree.end
    parser.CharacterDataHandler = tree.builder.data
    parser.StartDoctypeDeclHandler = tree.refuse
    parser.EntityDeclHandler = tree.refuse
    parser.ExternalEntityRefHandler = tree.refuse
    parser.Parse(data, True)
    return tree.builder.close()


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _data(datasets: ET.Element | None) -> ET.Element | None:
    """The ``<xfa:data>`` element (its first child is the record)."""
    if datasets is None:
        return None
    return datasets if datasets.tag == "data" else datasets.find("data")


# -- measurements and text -----------------------------------------------------

def measure(text: str | None, default: float = 0.0, unit: str = "in") -> float:
    """An XFA measurement ("12.5mm", "1in", "72pt"; bare numbers in ``unit``) in points."""
    match = _MEASURE.match(text or "")
    if not match:
        return default
    return float(match.group(1)) * POINTS.get(match.group(2) or unit, 1.0)


def font_size(node: ET.Element) -> float:
    font = node.find("font")
    if font is not None and font.get("size"):
        return measure(font.get("size"), DEFAULT_FONT, "pt") or DEFAULT_FONT
    styled = next((e.get("style") for e in node.iter() if "font-size" in (e.get("style") or "")), None)
    css = _CSS_SIZE.search(styled or "")
    return float(css.group(1)) if css else DEFAULT_FONT


def text_lines(value: ET.Element | None) -> list[str]:
    """The printed lines of a ``<value>`` (plain ``<text>`` or rich ``<exData>``)."""
    if value is None:
        return []
    parts: list[str] = []
    for content in value:
        if content.tag not in _NOT_TEXT:
            _collect(content, parts)
            parts.append("\n")
    return [line for line in (" ".join(p.split()) for p in "".join(parts).split("\n")) if line]


def _collect(element: ET.Element, parts: list[str]) -> None:
    if element.tag in ("p", "br", "div", "li"):
        parts.append("\n")
    parts.append(element.text or "")
    for child in element:
        _collect(child, parts)
        parts.append(child.tail or "")


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def wrap(lines: list[str], width: float, size: float) -> list[str]:
    """Greedy word wrap of each line within ``width`` points."""
    wrapped = []
    for line in lines:
        current = ""
        for word in line.split():
            candidate = f"{current} {word}".strip()
            if current and text_width(candidate, size) > width:
                wrapped.append(current)
                candidate = word
            current = candidate
        wrapped.append(current)
    return wrapped


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def inset(self, margin: ET.Element | None) -> "Box":
        if margin is None:
            return self
        left, top = measure(margin.get("leftInset")), measure(margin.get("topInset"))
        right, bottom = measure(margin.get("rightInset")), measure(margin.get("bottomInset"))
        return Box(self.x + left, self.y + top, max(self.w - left - right, 0), max(self.h - top - bottom, 0))


def line_top(box: Box, height: float, para: ET.Element | None) -> float:
    """Where a block of ``height`` starts in ``box``, by the paragraph's vertical alignment."""
    align = para.get("vAlign", "top") if para is not None else "top"
    if align == "middle":
        return box.y + (box.h - height) / 2
    if align == "bottom":
        return box.y + box.h - height
    return box.y


def line_words(text: str, box: Box, top: float, size: float, para: ET.Element | None) -> list[Word]:
    """One printed line as words, aligned in ``box`` by the paragraph's horizontal alignment."""
    align = para.get("hAlign", "left") if para is not None else "left"
    slack = max(box.w - text_width(text, size), 0)
    x = box.x + (slack / 2 if align == "center" else slack if align == "right" else 0)
    words = []
    for word in text.split():
        width = text_width(word, size)
        words.append(Word(word, x, top, x + width, top + size * LINE_HEIGHT))
        x += width + size * CHAR_WIDTH
    return words


def block_words(lines: list[str], box: Box, size: float, para: ET.Element | None) -> list[Word]:
    """Lines wrapped in ``box`` and laid out as words."""
    lines = wrap(lines, box.w, size) if box.w > 0 else lines
    step = size * LINE_HEIGHT
    top = line_top(box, step * len(lines), para)
    return [w for n, line in enumerate(lines) for w in line_words(line, box, top + n * step, size, para)]


# -- data binding ----------------------------------------------------------------

class Binder:
    """Finds each template node's data: normal binding by name (the n-th
    node of a name takes the n-th data element of that name), or the
    ``<bind match="none|global|dataRef">`` the node asks for."""

    def __init__(self, data: ET.Element | None) -> None:
        self.data = data
        self.record = next(iter(data), None) if data is not None else None
        self.taken: dict[tuple[int, str], int] = {}

    def bind(self, node: ET.Element, scope: ET.Element | None) -> ET.Element | None:
        bind = node.find("bind")
        match = bind.get("match", "once") if bind is not None else "once"
        name = node.get("name")
        if match == "none" or self.record is None:
            return None
        if match == "global":
            return next(self.record.iter(name), None) if name else None
        if match == "dataRef":
            return self.resolve(bind.get("ref", ""), scope)
        if scope is None or not name:
            return None
        key = (id(scope), name)
        index = self.taken.get(key, 0)
        self.taken[key] = index + 1
        same = scope.findall(name)
        if not same and scope is self.data:  # the root subform is the record, whatever its name
            return self.record
        return same[index] if index < len(same) else None

    def resolve(self, ref: str, scope: ET.Element | None) -> ET.Element | None:
        """A dataRef such as "$.Name", "$record.Part.Name[0]" (simplified SOM)."""
        head, _, rest = ref.partition(".")
        node = scope if head == "$" else self.record if head in ("$record", "$data") else None
        steps = rest.split(".") if rest else []
        if head == "$data" and steps and node is not None and steps[0] == node.tag:
            steps = steps[1:]
        for step in steps:
            if node is None:
                return None
            name, _, index = step.partition("[")
            found = node.findall(name)
            number = int(index.rstrip("]")) if index.rstrip("]").isdigit() else 0
            node = found[number] if number < len(found) else None
        return node


def data_text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    text = " ".join(" ".join(element.itertext()).split())
    return text or None


# -- layout ----------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """An exclusion group (radio buttons): the value its data holds."""

    value: str | None


@dataclass
class _PageArea:
    width: float
    height: float
    content: Box
    node: ET.Element
    limit: int  # pages it may fill (-1: unlimited)


class Layout:
    """The template laid out on pages, with the datasets' values."""

    def __init__(self, template: ET.Element, data: ET.Element | None) -> None:
        self.root = template.find("subform")
        if self.root is None:
            raise Refused("XFA template without a root subform")
        self.binder = Binder(data)
        self.parent = {child: node for node in template.iter() for child in node}
        self.areas = [_page_area(a) for a in self.root.iter("pageArea")] or [_page_area(None)]
        self.sizes: dict[int, tuple[float, float]] = {}
        self.result: list[Page] = []
        self.area = self.areas[0]

    def pages(self) -> list[Page]:
        self.new_page()
        content = self.area.content
        self.place(self.root, Box(content.x, content.y, *self.size(self.root)), self.binder.data, breakable=True)
        return self.result

    # pages
    def new_page(self) -> None:
        if len(self.result) >= MAX_PAGES:
            raise Refused("too many XFA pages")
        self.area = self._area_for(len(self.result))
        page = Page(len(self.result) + 1, self.area.width, self.area.height)
        self.result.append(page)
        for draw in self.area.node.findall("draw"):  # the master page's texts (headers, footers)
            self.emit_draw(draw, self.node_box(draw, 0, 0))

    def _area_for(self, index: int) -> _PageArea:
        """The page areas in order, each for as many pages as its ``<occur max>`` allows."""
        for area in self.areas:
            if area.limit < 0 or index < area.limit:
                return area
            index -= area.limit
        return self.areas[-1]

    @property
    def page(self) -> Page:
        return self.result[-1]

    @property
    def bottom(self) -> float:
        return self.area.content.y + self.area.content.h

    # sizes (measured once per node, so nested flows stay linear)
    def size(self, node: ET.Element) -> tuple[float, float]:
        cached = self.sizes.get(id(node))
        if cached is None:
            cached = self.sizes[id(node)] = self._measure(node)
        return cached

    def _measure(self, node: ET.Element) -> tuple[float, float]:
        width, height = measure(node.get("w"), -1), measure(node.get("h"), -1)
        if node.tag in _CONTAINERS:
            if width < 0 or height < 0:
                inner_w, inner_h = self._content_size(node)
                width = width if width >= 0 else inner_w
                height = height if height >= 0 else inner_h
            return width, height
        size = font_size(node)
        lines = text_lines(node.find("value")) + text_lines(_caption_value(node))
        if width < 0:
            width = max(measure(node.get("minW"), 0), max((text_width(l, size) for l in lines), default=0))
        if height < 0:
            height = max(measure(node.get("minH"), 0), size * LINE_HEIGHT * max(len(lines), 1))
        return width, height

    def _content_size(self, node: ET.Element) -> tuple[float, float]:
        children = list(self.children(node))
        sizes = [self.size(c) for c in children]
        layout = node.get("layout", "position")
        if layout in ("tb", "table"):
            width, height = max((w for w, _ in sizes), default=0), sum(h for _, h in sizes)
        elif layout in _FLOWED:
            boxes = self.row_boxes(node, children, 0, 0)
            width = max((b.x + b.w for b in boxes), default=0)
            height = max((b.y + b.h for b in boxes), default=0)
        else:
            boxes = [self.node_box(c, 0, 0) for c in children]
            width = max((b.x + b.w for b in boxes), default=0)
            height = max((b.y + b.h for b in boxes), default=0)
        margin = node.find("margin")
        return (width + _inset(margin, "leftInset") + _inset(margin, "rightInset"),
                height + _inset(margin, "topInset") + _inset(margin, "bottomInset"))

    def children(self, node: ET.Element) -> Iterator[ET.Element]:
        """The laid-out children (hidden ones and non-layout elements left out)."""
        for child in node:
            if child.tag in _CONTAINERS + ("field", "draw") and child.get("presence") not in _HIDDEN:
                yield child

    def node_box(self, node: ET.Element, x: float, y: float) -> Box:
        """A positioned node's box, from its x/y (relative to ``x``, ``y``) and anchor point."""
        width, height = self.size(node)
        left, top = x + measure(node.get("x")), y + measure(node.get("y"))
        anchor = node.get("anchorType", "topLeft")
        if "Center" in anchor:
            left -= width / 2
        elif "Right" in anchor:
            left -= width
        if anchor.startswith("middle"):
            top -= height / 2
        elif anchor.startswith("bottom"):
            top -= height
        return Box(left, top, width, height)

    def row_boxes(self, node: ET.Element, children: list[ET.Element], x: float, y: float) -> list[Box]:
        """Boxes of children flowed left to right (a table row takes its table's column widths),
        wrapping to a new line when the container's width is passed."""
        widths = self.column_widths(node) if node.get("layout") in ("row", "rl-row") else []
        limit = measure(node.get("w"), float("inf"))
        boxes, left, top, line = [], x, y, 0.0
        for number, child in enumerate(children):
            width, height = self.size(child)
            if number < len(widths) and widths[number] >= 0:
                width = widths[number]
            if left > x and left + width - x > limit + 0.01:
                left, top, line = x, top + line, 0.0
            boxes.append(Box(left, top, width, height))
            left, line = left + width, max(line, height)
        if widths:  # a table row's cells take the row's height
            boxes = [Box(b.x, b.y, b.w, line) for b in boxes]
        return boxes

    def column_widths(self, row: ET.Element) -> list[float]:
        table = self.parent.get(row)
        widths = (table.get("columnWidths") or "") if table is not None else ""
        return [measure(w, -1) for w in widths.split()]

    # placement
    def place(self, node: ET.Element, outer: Box, scope: ET.Element | None,
              breakable: bool, group: Group | None = None) -> float:
        """Lay ``node`` out in ``outer`` on the current page; the bottom reached."""
        y, height = outer.y, outer.h
        if node.tag == "draw":
            self.emit_draw(node, outer)
            return y + height
        if node.tag == "field":
            self.emit_field(node, outer, scope, group)
            return y + height
        scope = self.scope(node, scope)
        if node.tag == "exclGroup":
            group = Group(data_text(scope) or data_text(node.find("value")))
        page = self.page
        box = outer.inset(node.find("margin"))
        layout = node.get("layout", "position")
        if layout in ("tb", "table"):
            end = self.stack(node, box, scope, breakable, group)
        elif layout in _FLOWED:
            end = self.flow_rows(node, box, scope, group)
        else:
            for child in self.children(node):
                self.place(child, self.node_box(child, box.x, box.y), scope, False, group)
            end = y + height
        return max(end, y + height) if self.page is page else end

    def scope(self, node: ET.Element, scope: ET.Element | None) -> ET.Element | None:
        """The data a container's children bind in: its own data group when it is named
        and bound (None when the data lacks it), else its parent's."""
        bind = node.find("bind")
        transparent = not node.get("name") or node.tag in ("area", "subformSet") or (
            bind is not None and bind.get("match") == "none")
        return scope if transparent else self.binder.bind(node, scope)

    def stack(self, node: ET.Element, box: Box, scope: ET.Element | None, breakable: bool,
              group: Group | None) -> float:
        """Children top to bottom, breaking to a new page when one does not fit."""
        top = box.y
        for child in self.children(node):
            height = self.size(child)[1]
            flowed = child.tag in _CONTAINERS and child.get("layout") in ("tb", "table")
            if breakable and (_breaks_before(child) or (
                    not flowed and top + height > self.bottom and top > self.area.content.y + 0.5)):
                self.new_page()
                top = self.area.content.y
            top = self.place(child, Box(box.x, top, *self.size(child)), scope, breakable and flowed, group)
        return top

    def flow_rows(self, node: ET.Element, box: Box, scope: ET.Element | None, group: Group | None) -> float:
        children = list(self.children(node))
        boxes = self.row_boxes(node, children, box.x, box.y)
        for child, child_box in zip(children, boxes):
            self.place(child, child_box, scope, False, group)
        return max((b.y + b.h for b in boxes), default=box.y)

    # tokens
    def emit_draw(self, node: ET.Element, box: Box) -> None:
        lines = text_lines(node.find("value"))
        if lines:
            self.page.words.extend(block_words(lines, box.inset(node.find("margin")), font_size(node),
                                               node.find("para")))

    def emit_field(self, node: ET.Element, box: Box, scope: ET.Element | None, group: Group | None) -> None:
        ui = _ui(node)
        if ui in _NO_VALUE_UI:
            return
        caption_box, content = _split_caption(node, box.inset(node.find("margin")))
        caption = node.find("caption")
        if caption is not None and caption_box is not None and caption.get("presence") not in _HIDDEN:
            para = caption.find("para") if caption.find("para") is not None else node.find("para")
            size = font_size(caption) if caption.find("font") is not None else font_size(node)
            self.page.words.extend(block_words(text_lines(caption.find("value")), caption_box, size, para))
        name = node.get("name")
        if ui == "checkButton":
            value = group.value if group is not None else data_text(self.binder.bind(node, scope))
            self.page.marks.append(_check_mark(node, content, value, grouped=group is not None))
            return
        value = data_text(self.binder.bind(node, scope)) or " ".join(text_lines(node.find("value")))
        value = _display(node, value) if value else None
        if value:
            self.page.words.append(Word(value, *_value_box(node, content), source=SOURCE_FORM_FIELD,
                                        field_name=name))


def _page_area(node: ET.Element | None) -> _PageArea:
    if node is None:
        width, height = _PAGE_SIZES["letter"]
        return _PageArea(width, height, Box(18, 18, width - 36, height - 36), ET.Element("pageArea"), -1)
    medium = node.find("medium")
    width, height = _medium_size(medium)
    area = node.find("contentArea")
    content = Box(measure(area.get("x")), measure(area.get("y")), measure(area.get("w"), width),
                  measure(area.get("h"), height)) if area is not None else Box(0, 0, width, height)
    occur = node.find("occur")
    limit = int(occur.get("max", "-1")) if occur is not None and occur.get("max", "").lstrip("-").isdigit() else -1
    return _PageArea(width, height, content, node, limit)


def _medium_size(medium: ET.Element | None) -> tuple[float, float]:
    if medium is None:
        return _PAGE_SIZES["letter"]
    default = _PAGE_SIZES.get((medium.get("stock") or "").lower(), _PAGE_SIZES["letter"])
    short, long = measure(medium.get("short"), default[0]), measure(medium.get("long"), default[1])
    return (long, short) if medium.get("orientation") == "landscape" else (short, long)


def _inset(margin: ET.Element | None, name: str) -> float:
    return measure(margin.get(name)) if margin is not None else 0.0


def _breaks_before(node: ET.Element) -> bool:
    """An explicit page break before the node (``<breakBefore>`` or the older ``<break before>``)."""
    before = node.find("breakBefore")
    if before is not None and before.get("targetType") in ("pageArea", "contentArea"):
        return True
    old = node.find("break")
    return old is not None and old.get("before") in ("pageArea", "contentArea", "pageEven", "pageOdd")


def _ui(field: ET.Element) -> str:
    ui = field.find("ui")
    kinds = [child.tag for child in ui if child.tag not in ("picture", "extras")] if ui is not None else []
    return kinds[0] if kinds else "textEdit"


def _caption_value(node: ET.Element) -> ET.Element | None:
    caption = node.find("caption")
    return caption.find("value") if caption is not None else None


def _split_caption(field: ET.Element, box: Box) -> tuple[Box | None, Box]:
    """The caption's box and the value's box, by the caption's placement and reserve."""
    caption = field.find("caption")
    if caption is None:
        return None, box
    placement = caption.get("placement", "left")
    lines = text_lines(caption.find("value"))
    size = font_size(caption) if caption.find("font") is not None else font_size(field)
    if placement in ("top", "bottom"):
        reserve = measure(caption.get("reserve"), size * LINE_HEIGHT * max(len(lines), 1))
        if placement == "top":
            return Box(box.x, box.y, box.w, reserve), Box(box.x, box.y + reserve, box.w, box.h - reserve)
        return Box(box.x, box.y + box.h - reserve, box.w, reserve), Box(box.x, box.y, box.w, box.h - reserve)
    reserve = measure(caption.get("reserve"), -1)
    if reserve < 0:
        reserve = max((text_width(line, size) for line in lines), default=0) + size * CHAR_WIDTH
    reserve = min(reserve, box.w)
    if placement == "right":
        return Box(box.x + box.w - reserve, box.y, reserve, box.h), Box(box.x, box.y, box.w - reserve, box.h)
    return Box(box.x, box.y, reserve, box.h), Box(box.x + reserve, box.y, box.w - reserve, box.h)


def _value_box(field: ET.Element, content: Box) -> tuple[float, float, float, float]:
    """Where the value is printed: one line by the paragraph's alignment, or the whole
    area of a multi-line field."""
    edit = field.find("ui/textEdit")
    if edit is not None and edit.get("multiLine") == "1":
        return (content.x, content.y, content.x + content.w, content.y + content.h)
    height = min(font_size(field) * LINE_HEIGHT, content.h) or font_size(field) * LINE_HEIGHT
    top = line_top(content, height, field.find("para"))
    return (content.x, top, content.x + content.w, top + height)


def _items(field: ET.Element) -> tuple[list[str], list[str]]:
    """The field's display items and save items (the same list when there is one)."""
    lists = field.findall("items")
    values = [[data_text(item) or "" for item in items] for items in lists]
    saved = next((v for items, v in zip(lists, values) if items.get("save") == "1"), None)
    shown = next((v for items, v in zip(lists, values) if items.get("save") != "1"), None)
    shown = shown if shown is not None else saved or []
    return shown, saved if saved is not None else shown


def _display(field: ET.Element, value: str) -> str:
    """A choice list's saved value as the text it shows."""
    shown, saved = _items(field)
    return shown[saved.index(value)] if value in saved and len(shown) == len(saved) else value


def _check_mark(field: ET.Element, content: Box, value: str | None, grouped: bool) -> Mark:
    """A check button: its box in the content area, ticked when its value (its own,
    or its exclusion group's) is its on item. A lone box with a value that is
    neither its on nor its off item is of unknown state."""
    _, saved = _items(field)
    on, off = (saved + ["1", "0"][len(saved):])[:2]
    value = value if value is not None else data_text(field.find("value"))
    checked = value == on if grouped else True if value == on else False if value in (None, "", off) else None
    button = field.find("ui/checkButton")
    side = measure(button.get("size") if button is not None else None, DEFAULT_BOX, "pt")
    side = min(side, content.w or side, content.h or side)
    para = field.find("para")
    align = para.get("hAlign", "left") if para is not None else "left"
    left = content.x + ((content.w - side) / 2 if align == "center" else content.w - side if align == "right" else 0)
    top = content.y + (content.h - side) / 2
    return Mark(left, top, left + side, top + side, checked=checked, source=SOURCE_FORM_FIELD,
                field_name=field.get("name"))
