"""The review sheet as a verification screen: legible pictures, links, lists, and nothing typed lost."""
from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pikepdf
import pytest
from openpyxl import load_workbook
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from analyse.edits import changes, remember
from analyse.pictures import pieces
from analyse.workbook_tender import IMAGE_WIDTH, write_tender_workbook
from extract.batch import InputFile
from extract.crops import CROP_MARGIN_PT, RENDER_DPI, CropWriter, add_pictures
from extract.raster import Raster
from pipeline import process
from questionnaire.definition import load
from questionnaire.record import PAGE_PICTURE_DPI, Reading, Record, page_picture
from tests.support_analyse import record, siret, staff
from tests.support_layouts import ANSWERS, draw_other_layout

FORM = load("egalite-2024")
TENDER = "T-2026-01"
FILE = f"{TENDER}/scan gamma é.pdf"
EMU_PER_PIXEL = 9525
LINE = (1500, 60)  # a wide crop of a text line, in pixels


def _ink_line(size: tuple[int, int]) -> Image.Image:
    """White with black word-like blocks along the line, white gaps between them."""
    pixels = np.full((size[1], size[0]), 255, dtype=np.uint8)
    for left in range(10, size[0] - 60, 70):
        pixels[15:45, left:left + 50] = 0
    return Image.fromarray(pixels)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("review")
    inbox, output = root / "boîte", root / "sortie"
    (inbox / TENDER).mkdir(parents=True)
    (inbox / FILE).write_bytes(b"%PDF-1.4 source")
    crops = output / "zones" / TENDER / "gamma"
    crops.mkdir(parents=True)
    _ink_line(LINE).save(crops / "page001-structure_name.png")
    Image.new("L", (400, 560), "white").save(crops / page_picture("page001-structure_name.png"))  # 100 dpi
    gamma = record(FILE, TENDER, {
        "structure_name": "Gamma Services", "siret": siret("33333333"), **staff((2, 1), (13, 4)),
        "board.exists": True, "board.women_pct": 55, "officers.president": "woman"},
        doubts={"structure_name": "Mot inconnu du dictionnaire", "board.women_pct": "Chiffre mal formé",
                "officers.president": "Deux cases cochées", "board.exists": "Case peu encrée"},
        crops={"structure_name": f"zones/{TENDER}/gamma/page001-structure_name.png"})
    gamma.readings["structure_name"].bbox = (72.0, 144.0, 216.0, 158.4)  # points: pixels 100-300, 200-220
    path = write_tender_workbook([gamma], TENDER, output / TENDER / f"synthese-{TENDER}.xlsx", date(2026, 3, 1),
                                 output=output, inbox=inbox, form=FORM)
    return {"path": path, "output": output, "inbox": inbox}


def _review(path: Path):
    sheet = load_workbook(path)["À vérifier"]
    titles = [c.value for c in sheet[1]]
    return sheet, titles


def _row(sheet, titles: list, key: str) -> dict:
    return next({t: c for t, c in zip(titles, row)} for row in sheet.iter_rows(min_row=2)
                if row[titles.index("Clé du champ")].value == key)


def test_each_field_type_has_its_list_or_check_with_a_french_message(built: dict) -> None:
    sheet, titles = _review(built["path"])
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[cell_range.coord] = validation
    typed = {key: _row(sheet, titles, key)["Valeur corrigée"].coordinate
             for key in ("board.exists", "officers.president", "board.women_pct")}
    assert found[typed["board.exists"]].formula1 == '"Oui,Non"'
    assert found[typed["officers.president"]].formula1 == '"Femme,Homme,Non binaire,Ne se prononce pas"'
    percentage = found[typed["board.women_pct"]]
    assert (percentage.type, percentage.formula1, percentage.formula2) == ("decimal", "0", "100")
    assert percentage.prompt == "Un pourcentage de 0 à 100 : tapez 40 pour 40 %." and percentage.showInputMessage
    decision = found[_row(sheet, titles, "board.exists")["Décision"].coordinate]
    assert decision.formula1 == '"Valider"' and "Valider" in decision.prompt
    answers = load_workbook(built["path"])["Réponses"]
    column = [c.value for c in answers[1]].index(FORM.field("officers.president").label) + 1
    letter = answers.cell(row=1, column=column).column_letter
    assert any(v.formula1 == '"Femme,Homme,Non binaire,Ne se prononce pas"' and f"{letter}2" in str(v.sqref)
               for v in answers.data_validations.dataValidation)


def test_the_sheet_filters_and_keeps_its_header(built: dict) -> None:
    sheet, titles = _review(built["path"])
    assert sheet.auto_filter.ref.startswith("A1:") and sheet.freeze_panes == "A2"


def test_a_wide_text_line_is_wrapped_at_its_own_resolution_never_shrunk(built: dict) -> None:
    sheet, _ = _review(built["path"])
    (image,) = sheet._images
    shown = Image.open(image.ref)
    strips = -(-LINE[0] // IMAGE_WIDTH) + 1  # cut between words: at most one more strip than the width needs
    assert shown.width <= IMAGE_WIDTH and shown.height >= 3 * LINE[1]
    assert shown.height <= strips * LINE[1] + (strips - 1) * 12
    ink = np.asarray(shown.convert("L")) < 128
    assert ink.sum() == (np.asarray(_ink_line(LINE)) < 128).sum()  # every inked pixel, none scaled away
    with zipfile.ZipFile(built["path"]) as archive:
        drawings = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/drawings/drawing")]
    [(width, height)] = [re.search(r'<a:ext cx="(\d+)" cy="(\d+)"', picture).groups()
                         for xml in drawings for picture in xml.split("<xdr:pic>")[1:]]
    assert (round(int(width) / EMU_PER_PIXEL), round(int(height) / EMU_PER_PIXEL)) == shown.size  # 1:1


def test_each_row_links_to_the_source_file_and_the_outlined_page(built: dict) -> None:
    sheet, titles = _review(built["path"])
    row = _row(sheet, titles, "structure_name")
    folder = built["path"].parent
    source = folder / unquote(row["Fichier"].hyperlink.target)
    page = folder / unquote(row["Page"].hyperlink.target)
    assert os.path.samefile(source, built["inbox"] / FILE)
    assert page.name == "page001-structure_name-page.png"
    red = np.asarray(Image.open(page).convert("RGB"))
    red = (red[..., 0] > 200) & (red[..., 1] < 60)
    rows, columns = np.flatnonzero(red.any(axis=1)), np.flatnonzero(red.any(axis=0))
    assert (rows[0], rows[-1], columns[0], columns[-1]) == pytest.approx((192, 228, 92, 308), abs=2)  # zone, 6 pt margin
    assert not row["Fichier"].hyperlink.target.startswith("/")  # relative: works once the folder is copied


def test_a_crop_keeps_the_scan_resolution_and_drops_the_blank_end_of_the_line_and_box(tmp_path: Path) -> None:
    dpi, native, text_pt = 300, 150, 10
    image = np.full((3508, 2480), 255, dtype=np.uint8)
    text_px = round(text_pt * dpi / 72)
    image[1000:1000 + text_px, 300:900] = 0  # the writing
    image[1000 + text_px - 3:1000 + text_px, 1000:2200:12] = 0  # the dotted line after it
    image[900:1200, 2180:2184] = 0  # the side of the input box, across the whole crop
    raster = Raster(image, dpi)
    writer = CropWriter(lambda: raster, 1, tmp_path, scan_dpi=native)
    name = writer((300 / 300 * 72, 1000 * 72 / dpi, 2200 * 72 / dpi, (1000 + text_px) * 72 / dpi), "siret")
    crop = np.asarray(Image.open(tmp_path / name))
    rows = np.flatnonzero((crop < 128).any(axis=1))
    assert rows[-1] - rows[0] + 1 >= text_pt * native / 72 - 1  # the line as tall as in the scan
    margin = CROP_MARGIN_PT * native / 72
    assert crop.shape[1] <= (900 - 300) * native / dpi + 2 * margin + 2  # the dots and the box's side left out
    page = np.asarray(Image.open(tmp_path / page_picture(name)))
    assert page.shape == (round(3508 * 100 / dpi), round(2480 * 100 / dpi))  # the whole page, once, at 100 dpi


def test_an_edit_where_nothing_is_read_back_is_reported_with_its_sheet_and_cell(tmp_path: Path) -> None:
    output = tmp_path / "sortie"
    gamma = record(f"{TENDER}/gamma.pdf", TENDER, {"structure_name": "Gamma", "board.women_pct": 55},
                   doubts={"board.women_pct": "Chiffre mal formé"})
    path = write_tender_workbook([gamma], TENDER, output / TENDER / "synthese.xlsx", date(2026, 3, 1), form=FORM)
    remember(output, [path], FORM)
    assert changes(output, FORM) == []
    wb = load_workbook(path)
    wb["Synthèse"]["A8"] = "Gamma SA"
    review = wb["À vérifier"]
    titles = [c.value for c in review[1]]
    review.cell(row=2, column=titles.index("Valeur corrigée") + 1).value = "50"  # read back: not reported
    review.cell(row=2, column=titles.index("Texte lu") + 1).value = "50"  # typed in the wrong column
    wb.save(path)
    notices = changes(output, FORM)
    assert len(notices) == 2
    assert notices[0].startswith(f"{TENDER}/synthese.xlsx, feuille « Synthèse », modification non reprise — "
                                 "cellule A8 : « Gamma » devenu « Gamma SA »")
    assert "feuille « À vérifier »" in notices[1] and "cellule G2 : « 55 » devenu « 50 »" in notices[1]


def test_a_paragraph_is_wrapped_line_by_line_in_reading_order(tmp_path: Path) -> None:
    paragraph = np.full((100, 1500), 255, dtype=np.uint8)
    for left in range(10, 1440, 70):
        paragraph[10:40, left:left + 50] = 0  # first line: tall words
        paragraph[60:80, left:left + 50] = 0  # second line: short ones
    Image.fromarray(paragraph).save(tmp_path / "policy.png")
    (piece,) = pieces(tmp_path / "policy.png", IMAGE_WIDTH, 520)
    ink = (np.asarray(piece) < 128).any(axis=1)
    runs = np.diff(np.flatnonzero(np.diff(np.concatenate([[0], ink.astype(int), [0]]))))[::2]
    assert list(runs) == [30, 30, 30, 20, 20, 20]  # the first line's three strips, then the second's


# -- text-layer and fillable PDFs: the page rendered for the fields to check ----------------

PAGE_HEIGHT = 842
BOX = (200.0, 100.0, 400.0, 120.0)  # points from the top-left: a drawn input box, left blank
WIDGET = (200.0, 200.0, 400.0, 220.0)  # a text field whose value has no appearance (NeedAppearances)


def _red_box(picture: Path) -> tuple[int, int, int, int]:
    """The rows and columns (first, last) of the red outline drawn on a page picture."""
    red = np.asarray(Image.open(picture).convert("RGB"))
    red = (red[..., 0] > 200) & (red[..., 1] < 60)
    rows, columns = np.flatnonzero(red.any(axis=1)), np.flatnonzero(red.any(axis=0))
    return rows[0], rows[-1], columns[0], columns[-1]


def _expected_outline(zone: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    scale = PAGE_PICTURE_DPI / 72
    x0, top, x1, bottom = zone
    return ((top - 6) * scale, (bottom + 6) * scale, (x0 - 6) * scale, (x1 + 6) * scale)


def test_a_text_layer_value_to_check_has_its_zone_cut_from_its_page_and_the_zone_outlined(tmp_path: Path) -> None:
    inbox, output = tmp_path / "boîte", tmp_path / "sortie"
    source = inbox / TENDER / "offre: Gamma é.pdf"
    source.parent.mkdir(parents=True)
    source.write_bytes(draw_other_layout({**ANSWERS, "equality_index.score": "8 7"}))  # spaced figures: a doubt
    item = InputFile(source, f"{TENDER}/{source.name}", TENDER, source.stat().st_size)
    found = Record.from_dict(process(item, FORM.id, output.absolute()))
    reading = found.readings["equality_index.score"]
    assert reading.doubt and reading.crop and reading.zone
    assert reading.zone[0] < reading.bbox[0] and reading.zone[2] > reading.bbox[2]  # the zone, wider than the figures
    assert all(re.fullmatch(r"[\w.-]+", part) for part in Path(reading.crop).parts)  # no ":" nor space from the name
    crop = Image.open(output / reading.crop)
    assert crop.height == pytest.approx((reading.zone[3] - reading.zone[1] + 2 * CROP_MARGIN_PT) * RENDER_DPI / 72, abs=2)
    assert (np.asarray(crop.convert("L")) < 128).any()
    path = write_tender_workbook([found], TENDER, output / TENDER / "synthese.xlsx", date(2026, 3, 1),
                                 output=output, inbox=inbox, form=FORM)
    sheet, titles = _review(path)
    row = _row(sheet, titles, "equality_index.score")
    assert [image.anchor._from.row + 1 for image in sheet._images] == [row["Image de la zone"].row]
    page = path.parent / unquote(row["Page"].hyperlink.target)
    assert _red_box(page) == pytest.approx(_expected_outline(reading.zone), abs=2)  # the zone, not the words
    assert os.path.samefile(path.parent / unquote(row["Fichier"].hyperlink.target), source)


def _blank_box_and_undrawn_field(path: Path) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, PAGE_HEIGHT))
    canvas.drawString(72, PAGE_HEIGHT - 112, "Raison sociale :")
    canvas.rect(BOX[0], PAGE_HEIGHT - BOX[3], BOX[2] - BOX[0], BOX[3] - BOX[1])
    canvas.showPage()
    canvas.save()
    pdf = pikepdf.open(io.BytesIO(buffer.getvalue()))
    page = pdf.pages[0].obj
    widget = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String("ref"), F=4,
        V=pikepdf.String("CHV-2026-007"), DA=pikepdf.String("/Helv 12 Tf 0 g"), P=page,
        Rect=pikepdf.Array([WIDGET[0], PAGE_HEIGHT - WIDGET[3], WIDGET[2], PAGE_HEIGHT - WIDGET[1]])))
    page.Annots = pikepdf.Array([widget])
    helvetica = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                     BaseFont=pikepdf.Name.Helvetica))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]), NeedAppearances=True,
                                           DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helvetica)))
    pdf.save(path)


def test_a_blank_answer_is_shown_whole_and_a_field_value_is_drawn_as_a_viewer_draws_it(tmp_path: Path) -> None:
    source = tmp_path / "form.pdf"
    _blank_box_and_undrawn_field(source)
    readings = {"structure_name": Reading("structure_name", page=1, zone=BOX, doubt="Réponse absente"),
                "tender_ref": Reading("tender_ref", raw="CHV-2026-007", page=1, bbox=WIDGET, zone=WIDGET,
                                      doubt="Référence inconnue"),
                "siret": Reading("siret", raw="1", page=2, zone=BOX)}  # nothing to check there: page 2 never drawn
    found = Record(file="form.pdf", tender=TENDER, readings=readings, form_id=FORM.id)
    add_pictures(found, source, tmp_path / "zones", FORM)
    assert sorted(p.name for p in (tmp_path / "zones").iterdir()) == [
        "page001-structure_name.png", "page001-tender_ref.png", "page001.png"]
    scale = RENDER_DPI / 72
    blank = np.asarray(Image.open(tmp_path / "zones" / readings["structure_name"].crop))
    assert blank.shape[1] == pytest.approx((BOX[2] - BOX[0] + 2 * CROP_MARGIN_PT) * scale, abs=3)  # not trimmed away
    inside = blank[round((CROP_MARGIN_PT + 2) * scale):-round((CROP_MARGIN_PT + 2) * scale),
                   round((CROP_MARGIN_PT + 2) * scale):-round((CROP_MARGIN_PT + 2) * scale)]
    assert (blank < 128).any() and not (inside < 128).any()  # the box's sides, nothing in it
    value = np.asarray(Image.open(tmp_path / "zones" / readings["tender_ref"].crop))
    assert (value < 128).sum() > 200  # the field's value, which the file itself never drew


def test_a_field_to_check_in_several_rows_has_one_check_over_them_relative_to_each_cell(tmp_path: Path) -> None:
    """A field typed in several rows of the review sheet is checked by one validation over its cells
    (not one a row): the same rule, a formula's references relative to its first cell, which a
    spreadsheet applies to each cell it covers; another field keeps its own check."""
    doubts = {"equality_index.score": "Chiffre mal formé", "board.women_pct": "Chiffre mal formé"}
    bidders = [record(f"{TENDER}/{name}.pdf", TENDER, {"structure_name": name, "siret": siret(body),
                                                      "equality_index.score": score, "board.women_pct": 40},
                      doubts=doubts)
               for name, body, score in (("Alpha", "11111111", 80), ("Beta", "22222222", 90))]
    path = write_tender_workbook(bidders, TENDER, tmp_path / "t.xlsx", date(2026, 3, 1), form=FORM)
    sheet, titles = _review(path)
    typed: dict[str, list[str]] = {}
    for row in sheet.iter_rows(min_row=2):
        typed.setdefault(row[titles.index("Clé du champ")].value, []).append(
            row[titles.index("Valeur corrigée")].coordinate)
    covering = {key: [v for v in sheet.data_validations.dataValidation
                      if {r.coord for r in v.sqref.ranges} & set(cells)] for key, cells in typed.items()}
    assert {key: len(cells) for key, cells in typed.items()} == {"equality_index.score": 2, "board.women_pct": 2}
    for key, [check] in covering.items():
        assert sorted(r.coord for r in check.sqref.ranges) == sorted(typed[key])
    [score] = covering["equality_index.score"]
    first, second = typed["equality_index.score"]
    assert score.type == "custom" and f"ISNUMBER({first})" in score.formula1 and second not in score.formula1
    assert "$" not in score.formula1  # relative: the second cell is checked as itself
    [share] = covering["board.women_pct"]
    assert (share.type, share.formula1, share.formula2) == ("decimal", "0", "100")
