"""The form pasted as a picture, with the answers typed over it, for the picture tests.

The blank paper form of ``egalite template`` is rendered to images (no text
left: the labels and the boxes exist only as pixels), each image is pasted on
a new PDF page with reportlab, and a bidder's answers are typed over it as
page text, ticks as an "X" (:func:`samples.overlay.overlay`, as the typed
samples are made).
"""
from __future__ import annotations

import io

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from questionnaire.definition import load
from questionnaire.paper import render_form
from samples.answers import Filled, fill
from samples.bidders import bidder
from samples.overlay import Pen, overlay
from samples.scan import rendered

BIDDER = "SAS Verdure Services"
TENDER_REF = "VM-2026-014"
PICTURE_DPI = 150  # a screenshot's resolution, about


def pasted_form(dpi: int = PICTURE_DPI) -> tuple[bytes, Filled]:
    """The PDF and what it must be read as."""
    filled = fill(bidder(BIDDER), TENDER_REF, load("egalite-2024"))
    blank, geometry = render_form("modele", form=load("egalite-2024"))
    write = overlay(filled, Pen(font="Helvetica", size=10), "modele")
    width, height = geometry.page_size
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=(width, height))
    for number, image in enumerate(rendered(blank, dpi), start=1):
        pdf.drawImage(ImageReader(image), 0, 0, width, height)
        write(pdf, number, geometry)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue(), filled
