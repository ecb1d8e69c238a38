"""A printed, filled form as it comes back from a scanner: image-only pages.

Each page is rendered with PDFium, turned a little, given paper grain and
toner speckles, saved as a greyscale JPEG and wrapped in a PDF without any
text layer. Every irregularity comes from a seeded generator, so a sample is
the same on every run.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas


@dataclass(frozen=True)
class Scanner:
    dpi: int = 200
    angle: float = 0.8  # degrees, counter-clockwise
    noise: float = 3.5  # strength of the paper grain, in grey levels
    speckles: int = 300  # dark dots per page
    quality: int = 45  # JPEG quality
    seed: int = 0


def scanned(pdf: bytes, scanner: Scanner) -> bytes:
    """``pdf`` printed and scanned: one greyscale JPEG per page, no text."""
    return _image_pdf(scanned_pages(pdf, scanner))


def scanned_pages(pdf: bytes, scanner: Scanner) -> list[bytes]:
    """The JPEG images of ``pdf``'s pages, printed and scanned."""
    return [_degrade(image, scanner, number) for number, image in enumerate(rendered(pdf, scanner.dpi))]


def rendered(pdf: bytes, dpi: int) -> list[Image.Image]:
    """The pages of ``pdf`` as greyscale images."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in document]
    finally:
        document.close()


def _degrade(image: Image.Image, scanner: Scanner, page_number: int) -> bytes:
    rng = np.random.default_rng([scanner.seed, page_number])
    image = image.rotate(scanner.angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels * 0.9 + 20  # toner never quite black, paper never quite white
    pixels += _grain(rng, pixels.shape, scanner.noise)
    pixels[pixels > 246] = 255  # the scanner's levels whiten most of the paper
    rows = rng.integers(0, pixels.shape[0], scanner.speckles)
    columns = rng.integers(0, pixels.shape[1], scanner.speckles)
    for row, column, radius in zip(rows, columns, rng.integers(1, 3, scanner.speckles)):
        pixels[row:row + radius, column:column + radius] = rng.uniform(20, 90)
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L").save(
        out, "JPEG", quality=scanner.quality, optimize=True)
    return out.getvalue()


def _grain(rng: np.random.Generator, shape: tuple[int, ...], strength: float) -> np.ndarray:
    """Paper texture: smooth blotches (cheap for JPEG) and a little pixel noise."""
    coarse = rng.normal(0.0, strength, (shape[0] // 8 + 1, shape[1] // 8 + 1)).astype(np.float32)
    blotches = np.asarray(Image.fromarray(coarse, "F").resize((shape[1], shape[0]), Image.Resampling.BILINEAR))
    return blotches + rng.normal(0.0, strength / 4, shape).astype(np.float32)


def _image_pdf(jpegs: list[bytes]) -> bytes:
    """A PDF with one full-page image per page (the JPEG data is embedded as is)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setCreator("Numérisation")
    for jpeg in jpegs:
        canvas.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=A4[0], height=A4[1])
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
