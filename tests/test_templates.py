"""The questionnaire templates: paper form, fillable form, Word documents."""
from __future__ import annotations

import io
import re
import unicodedata
from functools import cache

import pdfplumber
import pytest
from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from cli import main
from questionnaire.definition import load
from questionnaire.fillable import FLAG_MULTILINE, FLAG_RADIO, flatten, render_fillable
from questionnaire.paper import STYLES, Geometry, choice_labels, printed_label, render_form
from questionnaire.word import clause_docx, questionnaire_docx

FORM = load("egalite-2024")
BOX_ONLY_TYPES = {"bool", "gender"}


def normalise(text: str) -> str:
    """As the TOML says anchors compare: lower case, no accents, no punctuation."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@cache
def rendered(style: str) -> tuple[bytes, Geometry]:
    return render_form(style, form=FORM)


@cache
def page_texts(style: str) -> tuple[str, ...]:
    with pdfplumber.open(io.BytesIO(rendered(style)[0])) as pdf:
        return tuple(page.extract_text() for page in pdf.pages)


def printed_labels(style: str) -> list[str]:
    """Every label of the definition as the style prints it."""
    s = STYLES[style]
    doc = FORM.document
    texts = [FORM.title, doc["identification_title"], doc["staff_title"], doc["staff_footnote"],
             doc["officers_title"], doc["policy_title"], doc["policy_limit"], doc["index_question"],
             doc["commitments_title"], doc["commitment_details_label"], doc["annexes_note"],
             *choice_labels(FORM).values()]
    texts += [printed_label(f) for f in FORM.fields if f.read in ("inline", "area", "choice")]
    for table in FORM.tables.values():
        texts += [axis.label for axis in (*table.rows, *table.columns)]
    texts += [c.label for c in FORM.commitments]
    return [s.label(text) for text in texts]


def all_anchors() -> set[str]:
    anchors = {a for f in FORM.fields for a in f.anchors}
    for table in FORM.tables.values():
        anchors |= {a for axis in (*table.rows, *table.columns) for a in axis.anchors}
    anchors |= {a for axes in FORM.choices.values() for axis in axes for a in axis.anchors}
    return {normalise(a) for a in anchors}


# -- paper form ---------------------------------------------------------------

@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_key_has_a_zone_or_a_box(style: str) -> None:
    geometry = rendered(style)[1]
    for fdef in FORM.fields:
        if fdef.type in BOX_ONLY_TYPES:
            assert fdef.key not in geometry.values
            assert any(key == fdef.key for key, _ in geometry.boxes), fdef.key
        else:
            assert fdef.key in geometry.values, fdef.key
    assert set(geometry.values) | {k for k, _ in geometry.boxes} == set(FORM.keys)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_boxes_are_the_expected_choices(style: str) -> None:
    boxes = set(rendered(style)[1].boxes)
    genders = {c.id for c in FORM.choices["gender"]}
    expected = {("board.exists", "yes"), ("board.exists", "no")}
    expected |= {(f.key, g) for f in FORM.fields if f.type == "gender" for g in genders}
    expected |= {(c.done_key, "yes") for c in FORM.commitments}
    assert boxes == expected


@pytest.mark.parametrize("style", sorted(STYLES))
def test_boxes_are_drawn_squares_where_geometry_says(style: str) -> None:
    pdf, geometry = rendered(style)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        rects = {page.page_number: [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects]
                 for page in doc.pages}
    for key, zone in geometry.boxes.items():
        assert 9 <= zone.bbox[2] - zone.bbox[0] <= 11
        assert any(all(abs(a - b) < 0.5 for a, b in zip(rect, zone.bbox))
                   for rect in rects[zone.page]), key


@pytest.mark.parametrize("style", sorted(STYLES))
def test_value_zones_are_on_the_page_and_apart(style: str) -> None:
    geometry = rendered(style)[1]
    width, height = geometry.page_size
    zones = list(geometry.values.items())
    for key, zone in zones:
        x0, top, x1, bottom = zone.bbox
        assert 0 < x0 < x1 <= width and 0 < top < bottom <= height, key
        assert 1 <= zone.page <= geometry.page_count
    for i, (key, zone) in enumerate(zones):
        for other, zone2 in zones[i + 1:]:
            if zone.page == zone2.page:
                a, b = zone.bbox, zone2.bbox
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, (key, other)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_values_typed_into_zones_are_read_back_there(style: str) -> None:
    """The geometry is exact: text drawn in a zone is found by cropping that zone."""
    def type_keys(canvas: Canvas, page: int, geometry: Geometry) -> None:
        canvas.setFont("Courier", 8)
        for number, zone in enumerate(geometry.values.values()):
            if zone.page == page:
                x0, _, _, bottom = zone.bbox
                canvas.drawString(x0 + 2, geometry.page_size[1] - bottom + 4, f"v{number}")

    pdf, geometry = render_form(style, form=FORM, draw_extra=type_keys)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, (key, zone) in enumerate(geometry.values.items()):
            text = doc.pages[zone.page - 1].within_bbox(zone.bbox).extract_text()
            assert text.strip() == f"v{number}", key


@pytest.mark.parametrize("style", sorted(STYLES))
def test_page_text_holds_every_label_and_no_dots(style: str) -> None:
    """Each label is on the page (the words of a label wrapped in a table header cell)."""
    text = normalise(" ".join(page_texts(style)))
    for label in printed_labels(style):
        words = normalise(label)
        assert words in text or set(words.split()) <= set(text.split()), label
    assert "..." not in "".join(page_texts(style))


def test_modele_prints_labels_verbatim() -> None:
    text = " ".join(" ".join(page_texts("modele")).split())
    for label in printed_labels("modele"):
        assert label in text, label


def test_word_style_variants_are_anchors_and_really_differ() -> None:
    word, modele = STYLES["word"], STYLES["modele"]
    anchors = all_anchors()
    for variant in word.labels.values():
        assert any(normalise(variant).startswith(a) for a in anchors), variant
    assert word.font != modele.font and word.box_after_label != modele.box_after_label
    geo_w, geo_m = rendered("word")[1], rendered("modele")[1]
    assert geo_w.boxes[("board.exists", "yes")].bbox != geo_m.boxes[("board.exists", "yes")].bbox


@pytest.mark.parametrize("style", sorted(STYLES))
def test_page_numbers_and_header(style: str) -> None:
    texts = page_texts(style)
    assert 2 <= len(texts) <= 4
    for number, text in enumerate(texts, 1):
        assert f"Page {number} / {len(texts)}" in text
        assert "Valenciennes Métropole — Commande publique" in text


@pytest.mark.parametrize("style", sorted(STYLES))
def test_two_renders_are_byte_identical(style: str) -> None:
    assert render_form(style, form=FORM)[0] == rendered(style)[0]


# -- fillable form --------------------------------------------------------------

FILLED = {
    "structure_name": "Ateliers Éole SARL",
    "siret": "73282932000074",
    "tender_ref": "2024-VM-017",
    "staff.managers.women": 3,
    "staff.managers.men": 4.5,
    "staff.total.total": 57,
    "board.exists": True,
    "board.women_pct": "45,5 %",
    "officers.president": "woman",
    "officers.secretary": "non_binary",
    "officers.treasurer": "undisclosed",
    "volunteers.women_pct": 60,
    "policy.text": "Égalité salariale vérifiée chaque année ; " * 20,
    "equality_index.score": "NC",
    "commitments.agreements.done": True,
    "commitments.agreements.details": "Accord signé en 2023, révisé chaque année.",
    "commitments.other.done": False,
}
EXPECTED_V = {
    "staff.managers.women": "3", "staff.managers.men": "4,5", "staff.total.total": "57",
    "board.exists": "/Oui", "officers.president": "/Femme", "officers.secretary": "/Non binaire",
    "officers.treasurer": "/Ne se prononce pas", "volunteers.women_pct": "60",
    "commitments.agreements.done": "/Oui", "commitments.other.done": "/Off",
}


def terminal_fields(pdf: bytes) -> dict[str, dict]:
    """pypdf's fields that hold a value (the tree's inner nodes have no /FT)."""
    fields = PdfReader(io.BytesIO(pdf)).get_fields()
    return {name: field for name, field in fields.items() if "/FT" in field}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_fillable_has_one_field_per_canonical_key(style: str) -> None:
    fields = PdfReader(io.BytesIO(render_fillable(style, form=FORM))).get_fields()
    assert sorted(terminal_fields(render_fillable(style, form=FORM))) == sorted(FORM.keys)
    inner = set(fields) - set(FORM.keys)
    assert all(any(key.startswith(name + ".") for key in FORM.keys) for name in inner)
    assert all(fields[key].get("/V") is None for key in FORM.keys)


def field_tree(pdf: bytes) -> dict[str, dict]:
    """Every node of the AcroForm field tree, raw, by qualified name."""
    nodes: dict[str, dict] = {}

    def walk(refs: list, prefix: str) -> None:
        for ref in refs:
            node = ref.get_object()
            if "/T" in node:
                name = prefix + str(node["/T"])
                nodes[name] = node
                walk(node.get("/Kids", []), name + ".")

    walk(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/AcroForm"]["/Fields"], "")
    return nodes


def test_fillable_field_kinds() -> None:
    fields = terminal_fields(render_fillable("modele", form=FORM))
    assert field_tree(render_fillable("modele", form=FORM))["policy.text"]["/MaxLen"] == 1000
    assert fields["policy.text"]["/Ff"] & FLAG_MULTILINE
    assert fields["board.exists"]["/FT"] == "/Btn" and fields["board.exists"]["/Ff"] & FLAG_RADIO
    assert set(fields["board.exists"]["/_States_"]) == {"/Oui", "/Non"}
    assert set(fields["officers.treasurer"]["/_States_"]) == {
        "/Femme", "/Homme", "/Non binaire", "/Ne se prononce pas"}
    assert fields["commitments.label.done"]["/FT"] == "/Btn"
    assert not fields["commitments.label.done"].get("/Ff", 0) & FLAG_RADIO
    assert fields["commitments.label.details"]["/Ff"] & FLAG_MULTILINE


@pytest.mark.parametrize("style", sorted(STYLES))
def test_filled_values_read_back(style: str) -> None:
    fields = terminal_fields(render_fillable(style, FILLED, form=FORM))
    for key, value in FILLED.items():
        expected = EXPECTED_V.get(key, value)
        assert fields[key].get("/V") == expected, key
    assert fields["tender_ref"]["/V"] == "2024-VM-017"
    assert fields["staff.non_managers.women"].get("/V") is None


def test_ticked_box_widgets_show_their_state() -> None:
    reader = PdfReader(io.BytesIO(render_fillable("modele", FILLED, form=FORM)))
    shown = {}
    for page in reader.pages:
        for ref in page.get("/Annots", []):
            widget = ref.get_object()
            if widget.get("/AS") not in (None, "/Off"):
                parent = widget.get("/Parent")
                name = widget.get("/T") or parent.get_object()["/T"]
                shown[str(name)] = widget["/AS"]
    assert shown == {"exists": "/Oui", "president": "/Femme", "secretary": "/Non binaire",
                     "treasurer": "/Ne se prononce pas", "done": "/Oui"}


def test_flattened_form_has_values_as_page_text_and_no_widgets() -> None:
    pdf = flatten(render_fillable("word", FILLED, form=FORM))
    assert PdfReader(io.BytesIO(pdf)).get_fields() is None
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert all(not page.annots for page in doc.pages)
        text = " ".join(" ".join(page.extract_text() for page in doc.pages).split())
        geometry = rendered("word")[1]
        cell = geometry.values["staff.managers.men"]
        in_cell = doc.pages[cell.page - 1].within_bbox(cell.bbox).extract_text()
    for value in ("Ateliers Éole SARL", "73282932000074", "45,5 %", "Accord signé en 2023, révisé"):
        assert value in text
    assert in_cell.strip() == "4,5"


def test_flattened_ticks_are_vector_crosses_in_their_boxes() -> None:
    pdf = flatten(render_fillable("modele", FILLED, form=FORM))
    boxes = rendered("modele")[1].boxes
    ticked = {("board.exists", "yes"), ("officers.president", "woman"),
              ("officers.secretary", "non_binary"), ("officers.treasurer", "undisclosed"),
              ("commitments.agreements.done", "yes")}
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for key, zone in boxes.items():
            inside = doc.pages[zone.page - 1].within_bbox(zone.bbox)
            strokes = [c for c in inside.curves + inside.lines if c["x1"] - c["x0"] < 10]
            assert bool(strokes) == (key in ticked), key
            assert not inside.extract_text(), key


def test_flattening_draws_nothing_but_values_and_ticks() -> None:
    """No stray path: every drawing the flattened form adds lies in a ticked box."""
    def drawings(pdf: bytes) -> list[set[tuple[float, ...]]]:
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            return [{tuple(round(o[k]) for k in ("x0", "top", "x1", "bottom"))
                     for o in page.rects + page.lines + page.curves} for page in doc.pages]

    blank, geometry = rendered("word")
    flat = drawings(flatten(render_fillable("word", FILLED, form=FORM)))
    ticked = [zone for key, zone in geometry.boxes.items()
              if key in {("board.exists", "yes"), ("commitments.agreements.done", "yes")}
              or key[0].startswith("officers.")]
    for number, (before, after) in enumerate(zip(drawings(blank), flat), 1):
        for x0, top, x1, bottom in after - before:
            assert any(z.page == number and z.bbox[0] - 1 <= x0 and x1 <= z.bbox[2] + 1
                       and z.bbox[1] - 1 <= top and bottom <= z.bbox[3] + 1 for z in ticked)


def test_fillable_renders_are_byte_identical() -> None:
    assert render_fillable("modele", FILLED, form=FORM) == render_fillable("modele", FILLED, form=FORM)


# -- Word documents and the template command -------------------------------------

def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join([p.text for p in document.paragraphs] + cells).split())


def test_questionnaire_docx_holds_the_labels_and_no_typed_dots() -> None:
    data = questionnaire_docx(FORM)
    document = Document(io.BytesIO(data))
    text = docx_text(data)
    for label in printed_labels("modele"):
        assert " ".join(label.split()) in text, label
    assert "..." not in text
    assert [len(t.rows) for t in document.tables] == [4, 4]
    assert text.count("☐") == 2 + 3 * 4 + len(FORM.commitments)
    assert document.core_properties.created.year == 2024


def test_clause_docx_is_the_seed_article() -> None:
    paragraphs = [p.text for p in Document(io.BytesIO(clause_docx(FORM))).paragraphs]
    assert paragraphs[0] == "Article X. Installations sanitaires"
    assert "article R. 4228-5 du code du travail" in paragraphs[1]
    assert paragraphs[2].startswith("En cas d'inobservation de cette obligation")


def test_docx_are_byte_identical() -> None:
    assert questionnaire_docx(FORM) == questionnaire_docx(FORM)
    assert clause_docx(FORM) == clause_docx(FORM)


def test_template_command_writes_the_four_files(tmp_path) -> None:
    result = CliRunner().invoke(main, ["template", "--output", str(tmp_path / "modeles")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "modeles").iterdir())
    assert names == ["clause-installations-sanitaires.docx", "questionnaire-egalite-2024-remplissable.pdf",
                     "questionnaire-egalite-2024.docx", "questionnaire-egalite-2024.pdf"]
    fillable = (tmp_path / "modeles" / "questionnaire-egalite-2024-remplissable.pdf").read_bytes()
    assert sorted(terminal_fields(fillable)) == sorted(FORM.keys)
    assert (tmp_path / "modeles" / "questionnaire-egalite-2024.pdf").read_bytes() == rendered("modele")[0]


def test_two_versions_templates_share_a_folder(tmp_path) -> None:
    for form_id in ("egalite-2024", "egalite-2027"):
        result = CliRunner().invoke(main, ["template", "--form", form_id, "--output", str(tmp_path)])
        assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"questionnaire-egalite-2024.pdf", "questionnaire-egalite-2027.pdf",
            "questionnaire-egalite-2027-remplissable.pdf", "questionnaire-egalite-2027.docx"} <= names
    assert len(names) == 7  # three files per version and the one clause


def test_values_helvetica_cannot_show_ask_viewers_to_redraw() -> None:
    def need_appearances(values: dict) -> bool:
        acro_form = PdfReader(io.BytesIO(render_fillable("modele", values, form=FORM))).trailer["/Root"]["/AcroForm"]
        return acro_form.get("/NeedAppearances", False) == True  # noqa: E712 (a BooleanObject)

    assert need_appearances({"structure_name": "Łódź Œuvre"})
    assert not need_appearances({"structure_name": "Œuvre « l’Atelier » €"})
    fields = terminal_fields(render_fillable("modele", {"structure_name": "Łódź Œuvre"}, form=FORM))
    assert fields["structure_name"]["/V"] == "Łódź Œuvre"
