"""The questionnaire templates: paper form, fillable form, Word documents."""
from __future__ import annotations

import io
import re
import unicodedata
from functools import cache

import pdfplumber
import pytest
from reportlab.pdfgen.canvas import Canvas

from questionnaire.definition import load
from questionnaire.paper import STYLES, Geometry, choice_labels, printed_label, render_form

FORM = load()
BOX_ONLY_TYPES = {"bool", "gender"}


def normalise(text: str) -> str:
    """As the TOML says anchors compare: lower case, no accents, no punctuation."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@cache
def rendered(style: str) -> tuple[bytes, Geometry]:
    return render_form(style)


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

    pdf, geometry = render_form(style, draw_extra=type_keys)
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
    assert render_form(style)[0] == rendered(style)[0]
