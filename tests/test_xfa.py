"""XFA forms: laid out from the template, values from the datasets, read by the label reader."""
from __future__ import annotations

import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import pytest

from extract.safety import NOT_QUESTIONNAIRE
from extract.read import METHOD_XFA, read_file
from extract.xfa import Layout, measure, parse_xml, xfa_pages
from questionnaire.definition import load
from tests.support_xfa import XFA_ANSWERS, billion_laughs, deep_nesting, huge_stream, questionnaire_xfa

FORM = load("egalite-2024")
CORPUS_XFA = Path("/work/shared/corpus/forms/xfa_filled_imm1344e.pdf")


def _write(tmp_path: Path, data: bytes, name: str = "questionnaire xfa.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("single_stream", [False, True], ids=["packets", "xdp-stream"])
def test_xfa_questionnaire_read_exactly(tmp_path: Path, single_stream: bool) -> None:
    path = _write(tmp_path, questionnaire_xfa(single_stream=single_stream))
    record = read_file(path, path.name, "CHV-2026-007", forms=[FORM])
    fields = record.fields(FORM)
    assert record.error is None and record.method == METHOD_XFA
    assert {k: (XFA_ANSWERS[k], fields[k]) for k in FORM.keys if XFA_ANSWERS[k] != fields[k]} == {}
    assert record.review(FORM) == []
    assert record.pages == [1, 2, 3]  # an explicit break before section 2, a natural one before the annexes note


def test_blank_xfa_questionnaire_reads_null(tmp_path: Path) -> None:
    path = _write(tmp_path, questionnaire_xfa({key: None for key in XFA_ANSWERS}))
    record = read_file(path, path.name, "CHV-2026-007", forms=[FORM])
    assert record.method == METHOD_XFA
    assert all(value is None for value in record.fields(FORM).values())
    assert record.review(FORM) == []


def test_values_are_form_field_words_at_their_fields(tmp_path: Path) -> None:
    pages = xfa_pages(_write(tmp_path, questionnaire_xfa()))
    assert pages is not None
    siret = next(w for w in pages[0].words if w.text == XFA_ANSWERS["siret"])
    label = next(w for w in pages[0].words if w.text == "SIRET")
    assert siret.source == "form_field" and label.source == "text"
    assert siret.x0 > label.x1 and abs(siret.middle - label.middle) < 3  # on the caption's line, after it
    assert [m.checked for m in pages[1].marks] == [XFA_ANSWERS[c.done_key] for c in FORM.commitments]


@pytest.mark.skipif(not CORPUS_XFA.exists(), reason="shared corpus not present")
def test_real_xfa_form_is_laid_out_but_not_a_questionnaire() -> None:
    pages = xfa_pages(CORPUS_XFA)
    assert pages is not None and len(pages) > 1
    assert "SPONSOR" in {w.text for w in pages[1].words}  # its labels were laid out...
    record = read_file(CORPUS_XFA, CORPUS_XFA.name, "t", forms=[FORM])
    assert record.error_class == NOT_QUESTIONNAIRE  # ...and are not the questionnaire's


@pytest.mark.parametrize("make", [billion_laughs, deep_nesting, huge_stream],
                         ids=["billion-laughs", "100k-nested", "1GiB-stream"])
def test_hostile_xfa_is_ignored_without_memory_blow_up(tmp_path: Path, make: Callable[[], bytes]) -> None:
    path = _write(tmp_path, make(), "hostile.pdf")
    tracemalloc.start()
    try:
        pages = xfa_pages(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pages is None
    assert peak < 100 * 2**20
    assert read_file(path, path.name, "t", forms=[FORM]).error_class == NOT_QUESTIONNAIRE


@pytest.mark.parametrize("text, points", [("12.5mm", 12.5 * 72 / 25.4), ("1in", 72), ("72pt", 72),
                                          ("2", 144), ("2.54cm", 72), ("-3mm", -3 * 72 / 25.4), ("abc", 0)])
def test_measurements_in_points(text: str, points: float) -> None:
    assert measure(text) == pytest.approx(points)


def _layout(body: str, data: str = "") -> list:
    template = parse_xml(f"""<template><subform name="f" layout="tb"><pageSet><pageArea>
        <contentArea x="0in" y="1in" w="4in" h="5in"/><medium short="6in" long="8in"/></pageArea></pageSet>
        {body}</subform></template>""".encode())
    datasets = parse_xml(f"<xfa:datasets><xfa:data><f>{data}</f></xfa:data></xfa:datasets>".encode())
    return Layout(template, datasets.find("data")).pages()


def test_flows_wrap_left_to_right_and_break_pages() -> None:
    box = '<subform w="3in" h="2in"><draw x="0" y="0" w="1in" h="1in"><value><text>{}</text></value></draw></subform>'
    row = '<subform layout="lr-tb" w="2in">' + "".join(
        f'<draw w="1in" h="0.5in"><value><text>{t}</text></value></draw>' for t in ("a", "b", "c")) + "</subform>"
    pages = _layout(box.format("un") + row + box.format("deux") + box.format("trois"))
    where = {w.text: (page.number, w.x0, w.top) for page in pages for w in page.words}
    assert where["un"] == (1, 0, 72)
    assert where["a"] == (1, 0, 216) and where["b"] == (1, 72, 216) and where["c"] == (1, 0, 252)
    assert where["deux"] == (1, 0, 288)  # 2in + 1in (two rows of the flow) + 2in: fills the 5in exactly
    assert where["trois"] == (2, 0, 72)  # no room left: the next page's content area
    assert (pages[0].width, pages[0].height) == (432, 576)


def test_fields_bind_by_name_in_order_globally_and_by_data_ref() -> None:
    fields = "".join(f'<field name="{n}" w="2in" h="0.25in"{b}/>' for n, b in (
        ("Champ", ""), ("Champ", ""), ("Autre", '><bind match="global"/></field><x'),
        ("Ref", '><bind match="dataRef" ref="$.S.V"/></field><x'), ("Aucun", '><bind match="none"/></field><x')))
    fields = fields.replace("<x/>", "")
    pages = _layout(fields, "<Champ>un</Champ><Champ>deux</Champ><Aucun>non</Aucun>"
                            "<S><V>ref</V><Autre>global</Autre></S>")
    values = [(w.text, w.field_name) for w in pages[0].words]
    assert values == [("un", "Champ"), ("deux", "Champ"), ("global", "Autre"), ("ref", "Ref")]


def test_xml_with_a_dtd_or_a_bare_ampersand() -> None:
    with pytest.raises(Exception):
        parse_xml(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')
    assert parse_xml(b"<a>Humanitarian & Compassionate &amp; &#233;</a>").text == "Humanitarian & Compassionate & \xe9"
    assert isinstance(parse_xml(b"<xfa:a xmlns:xfa='u'><xfa:b/></xfa:a>")[0], ET.Element)
