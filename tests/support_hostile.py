"""A corpus of malformed and hostile PDFs, made in a folder by the tests.

Most files are written byte by byte (:func:`pdf_bytes`), since PDF libraries
refuse to write broken files. Each is small on disk; what makes it hostile
is what a parser does with it. :func:`simple_read` is the stand-in reader
(PDFium and pypdf opening the file and extracting every page's text) until
the project's reader replaces it in the tests.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Sequence

import pypdf
import pypdfium2 as pdfium

from extract.batch import InputFile

TEXT = b"Bonjour egalite"  # the text of every readable hostile file's page


def stream(data: bytes, entries: bytes = b"", length: int | None = None) -> bytes:
    """A stream object's body, with its /Length (or a false one)."""
    size = len(data) if length is None else length
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (size, entries, data)


def pdf_bytes(objects: Sequence[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of ``objects`` (numbered from 1, object 1 the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, start)
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
RESOURCES = b"/Resources << /Font << /F1 5 0 R >> >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s /Contents 4 0 R >>" % RESOURCES
SAY_TEXT = b"BT /F1 12 Tf 72 770 Td (%s) Tj ET" % TEXT
CONTENT = stream(SAY_TEXT)
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page(catalog: bytes = CATALOG, pages: bytes = PAGES, page: bytes = PAGE,
             content: bytes = CONTENT, extra: Sequence[bytes] = (), trailer: bytes = b"") -> bytes:
    """A one-page PDF saying :data:`TEXT`, with any of its objects replaced; ``extra`` are objects 6...."""
    return pdf_bytes([catalog, pages, page, content, FONT, *extra], trailer)


def truncated() -> bytes:
    whole = one_page()
    return whole[: len(whole) * 3 // 5]


def wrong_xref() -> bytes:
    """Every xref offset 7 bytes off, and startxref pointing into an object."""
    whole = one_page()
    head, _, tail = whole.partition(b"xref\n")
    entries, _, trailer = tail.partition(b"trailer")
    shifted = b"\n".join(_shift(line, 7) for line in entries.split(b"\n"))
    return head + b"xref\n" + shifted + b"trailer" + trailer.replace(b"startxref\n", b"startxref\n1")


def _shift(line: bytes, by: int) -> bytes:
    if line.endswith(b" n "):
        return b"%010d%s" % (int(line[:10]) + by, line[10:])
    return line


def page_tree_loop() -> bytes:
    """The page tree lists itself among its kids."""
    return one_page(pages=b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>")


def page_tree_cycle() -> bytes:
    """Two page tree nodes, each the other's kid."""
    return one_page(pages=b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
                    extra=[b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>"])


def deep_nesting(depth: int = 100_000) -> bytes:
    """Arrays nested ``depth`` deep in the page dictionary, and dictionaries as deep in the catalog."""
    arrays = b"[" * depth + b"]" * depth
    dictionaries = b"<< /A " * depth + b"1" + b" >>" * depth
    return one_page(catalog=b"<< /Type /Catalog /Pages 2 0 R /Deep %s >>" % dictionaries,
                    page=PAGE[:-2] + b" /Deep %s >>" % arrays)


def deflate_bomb(gigabytes: int = 2) -> bytes:
    """A content stream of 2 MB that inflates to ``gigabytes`` GiB of zeros."""
    return one_page(content=stream(zlib_zeros(gigabytes * 64), b"/Filter /FlateDecode"))


def zlib_zeros(chunks: int) -> bytes:
    """A zlib stream of ``chunks`` × 16 MiB zeros, made without compressing them all.

    Once the window is full of zeros, deflating 16 MiB more zeros after a
    sync flush gives the same bytes every time: they are repeated.
    """
    zeros = bytes(2**24)
    compressor = zlib.compressobj(9)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
    repeated = compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)
    total = 2**24 * chunks
    adler32 = 1 | (total % 65521) << 16  # of `total` zero bytes
    return first + repeated * (chunks - 1) + b"\x03\x00" + adler32.to_bytes(4, "big")


def many_pages(count: int = 100_000) -> bytes:
    """``count`` empty pages, all kids of one page tree node."""
    kids = b" ".join(b"%d 0 R" % number for number in range(3, count + 3))
    pages = b"<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] >>" % (kids, count)
    return pdf_bytes([CATALOG, pages, *[b"<< /Type /Page /Parent 2 0 R >>"] * count])


def javascript() -> bytes:
    action = b"<< /S /JavaScript /JS (app.alert\\('pwned'\\); this.exportDataObject\\({cName: 'x'}\\);) >>"
    return one_page(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R "
                            b"/Names << /JavaScript << /Names [(run) 6 0 R] >> >> >>",
                    extra=[action])


def embedded_traversal() -> bytes:
    """Embedded files, as a document attachment and as an annotation, named to escape a folder."""
    def filespec(name: bytes) -> bytes:
        return b"<< /Type /Filespec /F (%s) /UF (%s) /EF << /F 7 0 R >> >>" % (name, name)
    annotation = b"<< /Type /Annot /Subtype /FileAttachment /Rect [72 700 90 718] /FS 8 0 R >>"
    return one_page(
        catalog=b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << "
                b"/Names [(../../etc/passwd) 6 0 R (..\\\\..\\\\evil.bat) 8 0 R] >> >> >>",
        page=PAGE[:-2] + b" /Annots [9 0 R] >>",
        extra=[filespec(b"../../etc/passwd"), stream(b"root::0:0:pwned", b"/Type /EmbeddedFile"),
               filespec(b"/tmp/../../evil.bat"), annotation])


def huge_page() -> bytes:
    """A page far beyond the 200-inch limit: rendering it would need terabytes."""
    return one_page(page=PAGE.replace(b"[0 0 595 842]", b"[0 0 2000000 2000000]"))


def image_bomb() -> bytes:
    """A 100,000 × 100,000 RGB image (30 GB decoded) drawn on the page, from a few bytes."""
    image = stream(zlib.compress(bytes(4096)), b"/Type /XObject /Subtype /Image /Width 100000 "
                   b"/Height 100000 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode")
    return drawing(image, b"q 500 0 0 700 50 50 cm /X1 Do Q")


def xobject_recursion() -> bytes:
    """A form XObject that draws itself."""
    return drawing(stream(b"/X1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
                                     b"/Resources << /XObject << /X1 6 0 R >> >>"), b"/X1 Do")


def drawing(xobject: bytes, operators: bytes) -> bytes:
    """A one-page PDF drawing ``xobject`` (object 6, named /X1) with ``operators``, then saying TEXT."""
    resources = b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >>"
    return one_page(page=PAGE.replace(RESOURCES, resources),
                    content=stream(operators + b" " + SAY_TEXT), extra=[xobject])


def lying_length() -> bytes:
    """A content stream claiming to be 2 GB long."""
    return one_page(content=stream(SAY_TEXT, length=2**31))


def xref_prev_loop() -> bytes:
    """The trailer's /Prev points back at its own xref table: readers walking the chain loop."""
    whole = one_page()
    start = int(whole.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    return one_page(trailer=b"/Prev %d" % start)


def encrypted(user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(one_page()))
    writer.encrypt(user_password=user_password, owner_password="proprietaire", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def word_document() -> bytes:
    """A ZIP archive shaped like a .docx."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Bonjour</w:document>")
    return out.getvalue()


HOSTILE: dict[str, Callable[[], bytes]] = {
    "tronque.pdf": truncated,
    "xref_faux.pdf": wrong_xref,
    "arbre_pages_boucle.pdf": page_tree_loop,
    "arbre_pages_cycle.pdf": page_tree_cycle,
    "imbrication_profonde.pdf": deep_nesting,
    "bombe_deflate.pdf": deflate_bomb,
    "cent_mille_pages.pdf": many_pages,
    "javascript.pdf": javascript,
    "pieces_jointes_traversee.pdf": embedded_traversal,
    "page_geante.pdf": huge_page,
    "bombe_image.pdf": image_bomb,
    "xobject_recursif.pdf": xobject_recursion,
    "longueur_mensongere.pdf": lying_length,
    "xref_prev_boucle.pdf": xref_prev_loop,
    "chiffre_mot_de_passe.pdf": lambda: encrypted("secret"),
    "chiffre_sans_mot_de_passe.pdf": lambda: encrypted(""),
    "word_renomme.pdf": word_document,
    "texte_renomme.pdf": lambda: "Ceci n'est pas un PDF.\n".encode(),
    "vide.pdf": bytes,
}
LOCKED = {"chiffre_mot_de_passe.pdf"}  # cannot be read without the password
NOT_PDF = {"word_renomme.pdf", "texte_renomme.pdf", "vide.pdf"}
READABLE = {"javascript.pdf", "pieces_jointes_traversee.pdf", "chiffre_sans_mot_de_passe.pdf"}


def write_hostile(folder: Path) -> list[Path]:
    """Write every hostile file into ``folder``; their paths, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in HOSTILE.items():
        (folder / name).write_bytes(make())
    return sorted(folder / name for name in HOSTILE)


def simple_read(item: InputFile) -> dict[str, object]:
    """Open with PDFium and pypdf and extract every page's text: the least any reader does."""
    document = pdfium.PdfDocument(item.path)
    try:
        pdfium_text = [_pdfium_page_text(page) for page in document]
    finally:
        document.close()
    pypdf_text = [page.extract_text() for page in pypdf.PdfReader(item.path).pages]
    return {"pages": len(pdfium_text), "pypdf_pages": len(pypdf_text),
            "text": "".join(pdfium_text)[:2000], "pypdf_text": "".join(pypdf_text)[:2000]}


def _pdfium_page_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return textpage.get_text_range()
    finally:
        textpage.close()
        page.close()
