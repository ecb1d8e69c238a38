"""A questionnaire drawn in a layout the extractor was not written against.

Other coordinates, fonts, column and row order, label variants, boxes as
ZapfDingbats glyphs (❏, ✔) on the right of their labels, officers ticked by
an "X" typed in cells that have no box, details on the label's own line.
Only the printed labels are the form's; everything else differs from the
project's templates.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

EMPTY_BOX, TICKED_BOX = "☐", "☒"
GLYPH_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # fonts-dejavu-core, on the machine image

ANSWERS = {
    "structure_name": "Association Les Femmes du Hainaut",
    "siret": "73282932000074",
    "tender_ref": "CHV-2026-007",
    "staff.managers.women": 4, "staff.managers.men": 2, "staff.managers.non_binary": None,
    "staff.managers.undisclosed": None, "staff.managers.total": 6,
    "staff.non_managers.women": 30, "staff.non_managers.men": 19, "staff.non_managers.non_binary": 1,
    "staff.non_managers.undisclosed": None, "staff.non_managers.total": 50,
    "staff.total.women": 34, "staff.total.men": 21, "staff.total.non_binary": 1,
    "staff.total.undisclosed": None, "staff.total.total": 56,
    "board.exists": True, "board.women_pct": 62.5,
    "officers.president": "woman", "officers.secretary": "undisclosed", "officers.treasurer": "man",
    "volunteers.women_pct": 70,
    "policy.text": "Plan égalité adopté en 2023, référente égalité nommée, écarts de salaires suivis chaque année.",
    "equality_index.score": 91,
    "commitments.agreements.done": True, "commitments.agreements.details": "Accord égalité 2024-2027",
    "commitments.action_plan.done": False, "commitments.action_plan.details": None,
    "commitments.training.done": True, "commitments.training.details": "Deux sessions par an",
    "commitments.harassment_unit.done": False, "commitments.harassment_unit.details": None,
    "commitments.label.done": False, "commitments.label.details": None,
    "commitments.partnerships.done": False, "commitments.partnerships.details": None,
    "commitments.events.done": True, "commitments.events.details": "8 mars : conférence",
    "commitments.other.done": False, "commitments.other.details": None,
}

COLUMNS = [("Hommes", "men"), ("Femmes", "women"), ("Total", "total"),
           ("Non-binaire", "non_binary"), ("NSP / Ne se prononce pas", "undisclosed")]
ROWS = [("Non-cadres", "non_managers"), ("Cadres", "managers"), ("Total", "total")]
GENDERS = [("Homme", "man"), ("Femme", "woman"), ("Ne se prononce pas", "undisclosed"),
           ("Non binaire", "non_binary")]
OFFICERS = [("Trésorier(e)", "treasurer"), ("Président(e)", "president"), ("Secrétaire", "secretary")]
COMMITMENTS = [("Négociation d'accords", "agreements"), ("Signature de plan d'actions", "action_plan"),
               ("Organisation de formations en interne", "training"),
               ("Cellule de traitement des violences sexistes et sexuelles au travail", "harassment_unit"),
               ("Détention d'un label égalité", "label"),
               ("Partenariats avec des structures spécialisées", "partnerships"),
               ("Evènements / communication", "events"), ("Autres", "other")]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def draw_other_layout(answers: dict = ANSWERS) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    width, height = A4
    y = height - 60
    canvas.setFont("Times-Bold", 15)
    canvas.drawString(50, y, "Fiche : Renseignements relatifs à la politique égalité de la structure")
    y -= 40
    _answer(canvas, 50, y, "Dénomination : ", 130, answers["structure_name"])
    _answer(canvas, 390, y, "N° SIRET :", 440, answers["siret"])
    y -= 20
    _answer(canvas, 50, y, "Référence de la consultation :", 190, answers["tender_ref"])
    y -= 40
    canvas.setFont("Times-Bold", 12)
    canvas.drawString(50, y, "I. Effectifs au sein de la structure")
    y -= 25
    canvas.setFont("Times-Bold", 9)
    xs = [170 + 75 * i for i in range(len(COLUMNS))]
    for (label, _), x in zip(COLUMNS, xs):
        canvas.drawCentredString(x, y, label if len(label) < 15 else "NSP")
    y -= 20
    for row_label, row in ROWS:
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(60, y, row_label)
        canvas.setFont("Courier", 10)
        for (_, column), x in zip(COLUMNS, xs):
            canvas.drawCentredString(x, y, _text(answers[f"staff.{row}.{column}"]))
        y -= 18
    y -= 20
    canvas.setFont("Times-Roman", 10)
    canvas.drawString(50, y, "Avez-vous un conseil d'administration ?")
    _box_after(canvas, 260, y, "Oui", answers["board.exists"] is True)
    _box_after(canvas, 320, y, "Non", answers["board.exists"] is False)
    y -= 20
    _answer(canvas, 50, y, "Si oui, quelle est la part de femmes dans le CA :", 290,
            _text(answers["board.women_pct"]) + " %")
    y -= 35
    canvas.setFont("Times-Bold", 9)
    gxs = [200 + 90 * i for i in range(len(GENDERS))]
    canvas.drawString(50, y, "Genre des personnes occupant les postes suivants")
    y -= 15
    for (label, _), x in zip(GENDERS, gxs):
        canvas.drawCentredString(x, y, label)
    y -= 18
    for label, role in OFFICERS:
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(60, y, label)
        for (_, gender), x in zip(GENDERS, gxs):
            if answers[f"officers.{role}"] == gender:
                canvas.setFont("Courier-Bold", 11)
                canvas.drawCentredString(x, y, "X")
        y -= 18
    y -= 15
    _answer(canvas, 50, y, "Part des femmes parmi les bénévoles :", 240, answers["volunteers.women_pct"])
    canvas.drawString(275, y, "%")
    y -= 35
    canvas.setFont("Times-Bold", 12)
    canvas.drawString(50, y, "II. Politique interne en matière d'égalité professionnelle")
    y -= 20
    canvas.setFont("Times-Roman", 10)
    canvas.drawString(50, y, "Détaillez ci-dessous votre politique interne en matière d'égalité professionnelle")
    y -= 16
    canvas.setFont("Courier", 9)
    canvas.drawString(55, y, _text(answers["policy.text"]))
    y -= 16
    canvas.setFont("Times-Italic", 8)
    canvas.drawString(50, y, "(1 000 caractères maximum)")
    y -= 25
    _answer(canvas, 50, y, "Index de l'égalité professionnelle (plus de 50 salariés) - Note :", 330,
            answers["equality_index.score"])
    canvas.drawString(360, y, "/ 100")
    canvas.showPage()
    y = height - 60
    canvas.setFont("Times-Bold", 12)
    canvas.drawString(50, y, "Engagements spécifiques de la structure")
    y -= 30
    for label, item in COMMITMENTS:
        canvas.setFont("Times-Roman", 10)
        canvas.drawString(50, y, label)
        _glyph(canvas, 480, y, answers[f"commitments.{item}.done"] is True)
        y -= 15
        canvas.drawString(70, y, "Si oui, détailler :")
        canvas.setFont("Courier", 9)
        canvas.drawString(160, y, _text(answers[f"commitments.{item}.details"]))
        y -= 28
    canvas.setFont("Times-Roman", 9)
    canvas.drawString(50, y, "Vous avez la possibilité de joindre des pièces relatives à votre politique égalité en annexe")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _answer(canvas: Canvas, x: float, y: float, label: str, value_x: float, value) -> None:
    """A printed label, then the bidder's typed answer (Courier); leaves the label font set."""
    canvas.setFont("Times-Roman", 10)
    canvas.drawString(x, y, label)
    canvas.setFont("Courier", 10)
    canvas.drawString(value_x, y, _text(value))
    canvas.setFont("Times-Roman", 10)


def _box_after(canvas: Canvas, x: float, y: float, label: str, ticked: bool) -> None:
    canvas.setFont("Times-Roman", 10)
    canvas.drawString(x, y, label)
    _glyph(canvas, x + canvas.stringWidth(label, "Times-Roman", 10) + 5, y, ticked)


def _glyph(canvas: Canvas, x: float, y: float, ticked: bool) -> None:
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", GLYPH_FONT))
    canvas.setFont("DejaVu", 11)
    canvas.drawString(x, y, TICKED_BOX if ticked else EMPTY_BOX)
    canvas.setFont("Times-Roman", 10)
