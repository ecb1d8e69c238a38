"""The other pages bidders send: cover letters, annexes, quotes.

They surround the questionnaire in "embedded" samples (a cover letter
before, annexes after) and, alone, make PDFs that are not a questionnaire.
None of them may carry the form's signature phrases.
"""
from __future__ import annotations

import io
from typing import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from samples.bidders import Bidder, Tender

MARGIN = 62.0
BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=15)


def _document(title: str, draw_pages: list[Callable[[Canvas], None]]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    for draw in draw_pages:
        draw(canvas)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _paragraphs(canvas: Canvas, top: float, texts: list[str], style: ParagraphStyle = BODY) -> float:
    """Draw paragraphs from ``top`` (distance from the top of the page); return where they end."""
    width = A4[0] - 2 * MARGIN
    for text in texts:
        paragraph = Paragraph(text, style)
        _, height = paragraph.wrap(width, A4[1])
        paragraph.drawOn(canvas, MARGIN, A4[1] - top - height)
        top += height + 8
    return top


def _letterhead(canvas: Canvas, bidder: Bidder) -> None:
    canvas.setFont("Helvetica-Bold", 13)
    canvas.drawString(MARGIN, A4[1] - 60, bidder.name)
    canvas.setFont("Helvetica", 9)
    canvas.drawString(MARGIN, A4[1] - 74, bidder.address)
    canvas.drawString(MARGIN, A4[1] - 86, f"SIRET {bidder.siret}")


def cover_letter(bidder: Bidder, tender: Tender, date: str) -> bytes:
    """A "lettre de candidature" addressed to the buyer."""
    def page(canvas: Canvas) -> None:
        _letterhead(canvas, bidder)
        canvas.setFont("Times-Roman", 11)
        canvas.drawString(340, A4[1] - 140, tender.buyer)
        canvas.drawString(340, A4[1] - 154, "Service de la commande publique")
        canvas.drawString(340, A4[1] - 168, tender.city)
        canvas.drawString(340, A4[1] - 200, f"{bidder.address.split(', ')[-1].split(' ', 1)[-1]}, le {date}")
        _paragraphs(canvas, 240, [
            f"<b>Objet : candidature à la consultation {tender.ref} — {tender.subject}</b>",
            "Madame, Monsieur,",
            "Nous avons l'honneur de vous adresser notre candidature et notre offre pour la "
            "consultation citée en objet. Vous trouverez ci-joint le formulaire DC1, la "
            "déclaration du candidat DC2, notre mémoire technique ainsi que les renseignements "
            "demandés sur notre politique en faveur de l'égalité entre les femmes et les hommes.",
            "Nous restons à votre disposition pour tout complément d'information et vous prions "
            "d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
            f"{bidder.signatory}<br/>Représentant légal",
        ])
    return _document(f"Lettre de candidature {tender.ref}", [page])


def agreement_annex(bidder: Bidder) -> bytes:
    """An annex: the summary of the company agreement on professional equality."""
    def page(canvas: Canvas) -> None:
        _letterhead(canvas, bidder)
        _paragraphs(canvas, 130, [
            "<b>Annexe — Accord d'entreprise relatif à l'égalité professionnelle (extrait)</b>",
            "Article 1 — Champ d'application. Le présent accord s'applique à l'ensemble des "
            "salariés de l'entreprise, quel que soit leur contrat de travail.",
            "Article 2 — Recrutement. Les offres d'emploi sont rédigées de manière neutre. La "
            "part des candidatures féminines retenues en entretien est suivie chaque année.",
            "Article 3 — Rémunération. Un budget spécifique de rattrapage salarial est consacré "
            "chaque année aux écarts injustifiés constatés à poste égal.",
            "Article 4 — Articulation des temps. Aucune réunion n'est fixée après 17 heures ; le "
            "temps partiel choisi est accordé de droit au retour de congé parental.",
            "Fait à Valenciennes, pour une durée de trois ans.",
        ])
    return _document("Annexe accord égalité", [page])


def quote(bidder: Bidder, tender: Tender) -> bytes:
    """A quote (devis): a PDF in the inbox that is not a questionnaire."""
    def page(canvas: Canvas) -> None:
        _letterhead(canvas, bidder)
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(MARGIN, A4[1] - 140, f"DEVIS N° {tender.ref}-D01")
        canvas.setFont("Helvetica", 10)
        lines = [("Désignation", "Qté", "P.U. HT", "Total HT"),
                 ("Prestation annuelle — lot unique", "1", "48 600,00", "48 600,00"),
                 ("Fournitures et consommables", "12", "310,00", "3 720,00"),
                 ("Astreinte week-end", "52", "95,00", "4 940,00")]
        for row, cells in enumerate(lines):
            y = A4[1] - 190 - row * 20
            for x, cell in zip((MARGIN, 330, 390, 470), cells):
                canvas.drawString(x, y, cell)
        canvas.drawString(390, A4[1] - 290, "Total HT      57 260,00 €")
        canvas.drawString(390, A4[1] - 305, "TVA 20 %     11 452,00 €")
        canvas.drawString(390, A4[1] - 320, "Total TTC    68 712,00 €")
        canvas.drawString(MARGIN, A4[1] - 370, "Devis valable 90 jours. Bon pour accord, date et signature :")
    return _document(f"Devis {tender.ref}", [page])
