"""A page's printed content, read once per worker for every file that prints the same page.

Bidders of a tender return the same buyer's fillable form: the pages' printed
content (content streams and resources) is the same in every file, only the
widgets' values differ. What PDFium reads from the printed content alone —
the text layer's words and box glyphs, the boxes, ticks and rules its vector
paths draw, and the tables those draw — is kept here, keyed by a digest of exactly what it is read from:
the page's dictionary without its annotations (content streams, resources
with their fonts and images, page boxes, rotation, inherited entries) and
the document's optional content. Widgets, their values and every other
annotation (free text typed over the form, ink ticks) are read from each file
again, and the label-anchored reader runs on every file: a cached page gives
the very tokens reading it again would give, so every reading is unchanged.

The digest is taken with qpdf (:mod:`pikepdf`) while the field tree is read;
a file qpdf had to repair, an encrypted file, or a page too large to digest
is read without the cache. PDFium's page size and object count are part of
the key too, so qpdf and PDFium must agree on which page is meant.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Hashable

import pikepdf

from extract.cells import Table
from extract.recent import Recent
from extract.tokens import Word
from extract.vector_marks import PathShapes

PAGES_KEPT = 64  # pages kept per worker (a few forms of a tender; about 100 kB a page)
MAX_OBJECTS = 5000  # objects digested for one page, at most (a form page has a few dozen)
MAX_BYTES = 32 * 1024 * 1024  # stream bytes digested for one page, at most
MAX_DEPTH = 32  # nesting of dictionaries and arrays (a loop or an absurd structure in a hostile file)
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")  # what a page may take from its parents
LEFT_OUT = frozenset({"/Annots", "/Parent"})  # the widgets and values; the page tree (its inherited entries apart)


class TooLarge(Exception):
    """The page is too large or too deeply nested to be digested: it is read without the cache."""


@dataclass(frozen=True)
class Printed:
    """What PDFium reads from a page's printed content."""

    words: tuple[Word, ...]
    glyphs: tuple[Word, ...]  # box and tick glyphs, boxes typed as brackets included
    shapes: PathShapes
    tables: tuple[Table, ...]  # the tables its rules draw (extract.cells.find_tables)


def page_digests(pdf: pikepdf.Pdf) -> list[str | None]:
    """Each page's digest of its printed content (None for a page read without the cache);
    none at all for a file qpdf repaired or that is encrypted."""
    if pdf.is_encrypted or pdf.get_warnings():
        return []
    digests = _digests(pdf)
    return [] if pdf.get_warnings() else digests  # qpdf repaired something while it was digested


def _digests(pdf: pikepdf.Pdf) -> list[str | None]:
    document = _Digest()
    properties = pdf.Root.get("/OCProperties")
    if properties is not None:  # which optional content is shown is said for the whole document
        document.feed(properties, 0)
    digests: list[str | None] = []
    seen: set[str] = set()
    for page in pdf.pages:
        try:
            digest = _page_digest(page.obj, document)
        except TooLarge:
            digest = None
        # the same page twice in one file is read twice: its words must be distinct objects
        digests.append(None if digest in seen else digest)
        seen.add(digest or "")
    return digests


def _page_digest(page: pikepdf.Dictionary, document: _Digest) -> str:
    digest = document.copy()
    inherited, parent, depth = {}, page.get("/Parent"), 0
    while isinstance(parent, pikepdf.Dictionary) and depth < MAX_DEPTH:
        for key in INHERITED:
            if key not in page and key not in inherited and key in parent:
                inherited[key] = parent[key]
        parent, depth = parent.get("/Parent"), depth + 1
    digest.feed_items([(key, page[key]) for key in page.keys() if key not in LEFT_OUT] + list(inherited.items()), 0)
    return digest.hexdigest()


class _Digest:
    """SHA-256 over a PDF object graph: names, values, stream dictionaries and raw stream bytes;
    an object met again is fed as a reference to its first place (shared fonts, loops)."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.places: dict[tuple[int, int], int] = {}
        self.objects = self.bytes = 0

    def copy(self) -> _Digest:
        other = _Digest()
        other.hash, other.places = self.hash.copy(), dict(self.places)
        return other

    def hexdigest(self) -> str:
        return self.hash.hexdigest()

    def feed(self, obj: object, depth: int) -> None:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
            self._container(obj, depth)
        elif isinstance(obj, pikepdf.String):
            data = bytes(obj)
            self.hash.update(b"(%d:" % len(data) + data)
        else:  # names, numbers, booleans, null: their type and value
            self.hash.update(f"{type(obj).__name__}:{obj!r};".encode("utf-8", "surrogateescape"))

    def feed_items(self, items: list[tuple[str, object]], depth: int) -> None:
        self.hash.update(b"<<")
        for key, value in sorted(items, key=lambda item: item[0]):
            self.hash.update(key.encode("utf-8", "surrogateescape") + b" ")
            self.feed(value, depth + 1)
        self.hash.update(b">>")

    def _container(self, obj, depth: int) -> None:
        self.objects += 1
        if depth > MAX_DEPTH or self.objects > MAX_OBJECTS:
            raise TooLarge
        place = obj.objgen
        if place != (0, 0):
            if place in self.places:
                self.hash.update(b"@%d;" % self.places[place])
                return
            self.places[place] = len(self.places)
        if isinstance(obj, pikepdf.Stream):
            data = obj.read_raw_bytes()
            self.bytes += len(data)
            if self.bytes > MAX_BYTES:
                raise TooLarge
            self.feed_items(list(obj.stream_dict.items()), depth)
            self.hash.update(b"stream%d:" % len(data) + data)
        elif isinstance(obj, pikepdf.Dictionary):
            self.feed_items(list(obj.items()), depth)
        else:
            self.hash.update(b"[")
            for item in obj:
                self.feed(item, depth + 1)
            self.hash.update(b"]")


PRINTED: Recent[Hashable, Printed] = Recent(PAGES_KEPT)  # the pages' printed content read last in this worker
