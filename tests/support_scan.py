"""A small scanned form with known truth, for the scan tests and the benchmark.

:func:`draw_form` draws labels, values and tick boxes (empty, ticked,
crossed, filled, light pencil, specks of noise) with reportlab and returns
where each one is; :func:`scan` renders a PDF as a scanner would (a given
resolution, a few degrees of skew, noise, optionally turned) and returns an
image-only PDF.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

PAGE_WIDTH, PAGE_HEIGHT = A4
BOX_SIDE = 10.0


@dataclass
class DrawnForm:
    """What was drawn, in PDF points with the origin at the top-left corner."""

    pdf: bytes
    labels: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    values: dict[str, tuple[str, tuple[float, float, float, float]]] = field(default_factory=dict)
    boxes: list[tuple[str, tuple[float, float, float, float], bool]] = field(default_factory=list)


LABELS = [
    ("Avez-vous un conseil d'administration ?", 90),
    ("Si oui, quelle est la part de femmes dans le CA :", 130),
    ("Part des femmes parmi les bénévoles :", 170),
    ("Négociation d'accords", 230),
    ("Signature de plan d'actions", 270),
    ("Organisation de formations en interne", 310),
    ("Détention d'un label égalité", 350),
    ("Partenariats avec des structures spécialisées", 390),
    ("Note :", 450),
]
VALUES = {"board.women_pct": ("45,5", 130), "volunteers.women_pct": ("62", 170), "equality_index.score": ("87", 450)}
# (name, top, how it is filled): the first column of boxes, one per label line.
BOX_STYLES = [("empty", 90, None), ("tick", 90, "tick"), ("cross", 230, "cross"), ("filled", 270, "filled"),
              ("pencil", 310, "pencil"), ("specks", 350, "specks"), ("empty2", 390, None)]
FONT = "Helvetica"


def draw_form() -> DrawnForm:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    drawn = DrawnForm(b"")
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(50, PAGE_HEIGHT - 50, "Renseignements relatifs à la politique égalité de la structure")
    for text, top in LABELS:
        _text(pdf, drawn.labels, text, 50, top, 10)
    for key, (text, top) in VALUES.items():
        pdf.setFont("Courier", 12)
        width = pdf.stringWidth(text, "Courier", 12)
        pdf.drawString(330, PAGE_HEIGHT - top - 9, text)
        drawn.values[key] = (text, (330, top - 1, 330 + width, top + 10))
        pdf.setLineWidth(0.6)
        pdf.setDash([1, 2])  # the dashed answer line of the paper form, under the value
        pdf.line(320, PAGE_HEIGHT - top - 12, 400, PAGE_HEIGHT - top - 12)
        pdf.setDash([])
    for index, (name, top, style) in enumerate(BOX_STYLES):
        x0 = 420 + 60 * (index % 2 if top == 90 else 0)
        _box(pdf, x0, top, style)
        ticked = style not in (None, "specks")  # specks are dust, not a mark
        drawn.boxes.append((name, (x0, top - 1, x0 + BOX_SIDE, top - 1 + BOX_SIDE), ticked))
    pdf.rect(40, PAGE_HEIGHT - 520, 500, 500)  # a frame: table rules must not become boxes or words
    pdf.showPage()
    pdf.save()
    drawn.pdf = buffer.getvalue()
    return drawn


def _text(pdf: canvas.Canvas, where: dict, text: str, x: float, top: float, size: float) -> None:
    pdf.setFont(FONT, size)
    pdf.drawString(x, PAGE_HEIGHT - top - size * 0.8, text)
    where[text] = (x, top, x + pdf.stringWidth(text, FONT, size), top + size)


def _box(pdf: canvas.Canvas, x0: float, top: float, style: str | None) -> None:
    y = PAGE_HEIGHT - top + 1 - BOX_SIDE
    pdf.setLineWidth(0.8)
    pdf.setStrokeColorRGB(0, 0, 0)
    pdf.rect(x0, y, BOX_SIDE, BOX_SIDE)
    if style == "tick":
        pdf.setLineWidth(1.4)
        pdf.lines([(x0 + 2, y + 5, x0 + 4, y + 2), (x0 + 4, y + 2, x0 + 9, y + 11)])
    elif style == "cross":
        pdf.setLineWidth(1.2)
        pdf.lines([(x0 + 1.5, y + 1.5, x0 + 8.5, y + 8.5), (x0 + 1.5, y + 8.5, x0 + 8.5, y + 1.5)])
    elif style == "filled":
        pdf.rect(x0 + 1, y + 1, BOX_SIDE - 2, BOX_SIDE - 2, fill=1)
    elif style == "pencil":
        pdf.setStrokeColorRGB(0.62, 0.62, 0.62)
        pdf.setLineWidth(0.6)
        pdf.lines([(x0 + 2, y + 5, x0 + 4, y + 2.5), (x0 + 4, y + 2.5, x0 + 8, y + 8)])
    elif style == "specks":
        pdf.setFillColorRGB(0, 0, 0)
        for dx, dy in ((3, 4), (6.5, 7), (5, 3)):
            pdf.circle(x0 + dx, y + dy, 0.1, stroke=0, fill=1)


def scan(pdf_bytes: bytes, *, dpi: int = 200, angle: float = 1.5, noise: float = 0.003,
         clockwise_turn: int = 0, seed: int = 0) -> bytes:
    """An image-only PDF of the first page, as a scanner would make it.

    ``angle`` skews the page (degrees, clockwise); ``noise`` is the share of
    pixels flipped to random grays; ``clockwise_turn`` turns the sheet.
    """
    page = pdfium.PdfDocument(pdf_bytes)[0]
    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    image = image.rotate(-angle, resample=Image.BILINEAR, fillcolor=255)
    pixels = np.array(image, dtype=np.int16)
    rng = np.random.default_rng(seed)
    pixels = pixels - rng.integers(0, 12, pixels.shape)  # paper grain
    specks = rng.random(pixels.shape) < noise
    pixels[specks] = rng.integers(0, 160, int(specks.sum()))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if clockwise_turn:
        image = image.rotate(-clockwise_turn, expand=True)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=dpi)
    return out.getvalue()


def long_scanned_bid(questionnaire: bytes, pages: int, first: int) -> bytes:
    """A scanned bid of ``pages`` image-only pages with ``questionnaire``'s pages
    from page ``first`` on (1-based), as a tender file holds it.

    The other pages are small, light, each its own image: cheap to read, yet
    each one rendered, prepared and released as a real page is.
    """
    import pikepdf

    inserted = pikepdf.open(io.BytesIO(questionnaire))
    others = pikepdf.open(io.BytesIO(_blank_scans(pages - len(inserted.pages))))
    bid = pikepdf.new()
    bid.pages.extend(others.pages[:first - 1])
    bid.pages.extend(inserted.pages)
    bid.pages.extend(others.pages[first - 1:])
    out = io.BytesIO()
    bid.save(out)
    return out.getvalue()


def _blank_scans(count: int, size: tuple[float, float] = (120.0, 170.0)) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=size, invariant=1)
    for number in range(count):
        image = Image.new("L", (24, 34), 235 + number % 20)
        pdf.drawInlineImage(image, 0, 0, width=size[0], height=size[1])
        pdf.showPage()
    pdf.save()
    return out.getvalue()
