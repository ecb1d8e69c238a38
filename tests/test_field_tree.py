"""The field tree's reading (:func:`extract.acroform.form_fields`), one rule a test.

Each test writes a small form byte by byte (:func:`tests.support_hostile.pdf_bytes`:
PDF libraries refuse to write most of these shapes) and checks every widget read
from it: name, kind, value, state, page and box. Together they pin down what any
faster reader of the field tree must give exactly (the records of every file
depend on it): a failure names the rule that broke.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdf

from extract import acroform
from extract.acroform import form_fields
from extract.read import _field_tree
from questionnaire.definition import in_order
from tests.support_hostile import pdf_bytes, stream

HEIGHT = 800
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 %d] >>" % HEIGHT
ROOT = Path(__file__).resolve().parent.parent
FIRST = 5  # number of the first object after the catalog, the pages, the page and the AcroForm


def _form(fields: bytes, objects: list[bytes], acroform: bytes = b"") -> bytes:
    """A one-page form: object 4 the AcroForm with ``fields`` as /Fields (and ``acroform``'s entries),
    ``objects`` numbered from 5."""
    return pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>", PAGES, PAGE,
                      b"<< /Fields %s %s >>" % (fields, acroform), *objects])


def _read(data: bytes) -> list[tuple]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [(f.name, f.kind, f.value, f.checked, f.page, f.bbox) for f in form_fields(pdf)]


def _text(value: bytes = b"(Dupont)", name: bytes = b"(nom)") -> bytes:
    """A text field merged with its widget on the page, at (10, 700)-(110, 720)."""
    return b"<< /FT /Tx /T %s /V %s /P 3 0 R /Rect [10 700 110 720] >>" % (name, value)


BOX = (10.0, HEIGHT - 720.0, 110.0, HEIGHT - 700.0)
CHECK_BOX = (10.0, HEIGHT - 710.0, 20.0, HEIGHT - 700.0)  # a check box's widget at (10, 700)-(20, 710)
ON_OFF = b"/AP << /N << /Oui 3 0 R /Off 3 0 R >> >>"  # states' appearances: only their names matter here


def test_rule_names_are_qualified_by_the_titles_above_and_a_node_without_title_takes_its_parents():
    data = _form(b"[5 0 R]", [b"<< /T (staff) /Kids [6 0 R 8 0 R] >>", b"<< /Kids [7 0 R] >>",
                              b"<< /T (women) /FT /Tx /V (3) /P 3 0 R /Rect [10 700 110 720] >>",
                              b"<< /T (men) /FT /Tx /V (4) /P 3 0 R /Rect [10 700 110 720] >>"])
    assert _read(data) == [("staff.women", "text", "3", None, 1, BOX), ("staff.men", "text", "4", None, 1, BOX)]


def test_rule_a_widgets_own_type_does_not_make_a_field_of_its_parent():
    data = _form(b"[5 0 R]", [b"<< /T (women) /V (3) /Kids [6 0 R] >>",
                              b"<< /FT /Tx /P 3 0 R /Rect [10 700 110 720] >>"])
    assert _read(data) == []


def test_rule_ft_v_and_opt_are_inherited_from_the_fields_above_and_a_nodes_own_entry_wins():
    data = _form(b"[5 0 R]", [b"<< /T (a) /FT /Tx /V (above) /Kids [6 0 R 7 0 R] >>",
                              b"<< /T (b) /P 3 0 R /Rect [10 700 110 720] >>",
                              b"<< /T (c) /V (own) /P 3 0 R /Rect [10 700 110 720] >>"])
    assert _read(data) == [("a.b", "text", "above", None, 1, BOX), ("a.c", "text", "own", None, 1, BOX)]


def test_rule_only_text_choice_and_button_fields_give_widgets():
    data = _form(b"[5 0 R 6 0 R 7 0 R 8 0 R]", [
        _text(), b"<< /FT /Ch /T (liste) /V (Oui) /P 3 0 R /Rect [10 700 110 720] >>",
        b"<< /FT /Sig /T (signature) /P 3 0 R /Rect [10 700 110 720] >>",
        b"<< /T (sans_type) /V (x) /P 3 0 R /Rect [10 700 110 720] >>"])
    assert _read(data) == [("nom", "text", "Dupont", None, 1, BOX), ("liste", "text", "Oui", None, 1, BOX)]


def test_rule_kids_without_title_are_the_fields_widgets_in_order_and_other_kids_are_skipped():
    data = _form(b"[5 0 R]", [
        b"<< /FT /Btn /T (board) /V /Non /Kids [6 0 R 42 0 R (x) 7 0 R] >>",
        b"<< /AP << /N << /Oui 3 0 R /Off 3 0 R >> >> /P 3 0 R /Rect [10 700 20 710] >>",
        b"<< /AP << /N << /Non 3 0 R /Off 3 0 R >> >> /P 3 0 R /Rect [30 700 40 710] >>"])
    assert _read(data) == [("board", "box", "Oui", False, 1, CHECK_BOX),
                           ("board", "box", "Non", True, 1, (30.0, 90.0, 40.0, 100.0))]


def test_rule_an_empty_kids_array_gives_no_widget():
    assert _read(_form(b"[5 0 R]", [b"<< /FT /Tx /T (vide) /V (x) /Kids [] >>"])) == []


def test_rule_export_values_come_from_opt_by_rank_the_first_of_a_pair_else_the_on_state():
    kid = b"<< /AP << /N << /%s 3 0 R /Off 3 0 R >> >> /AS /%s /P 3 0 R /Rect [10 700 20 710] >>"
    data = _form(b"[5 0 R]", [b"<< /FT /Btn /T (choix) /V /1 /Opt [[(Femme) (F)] (Homme)] /Kids [6 0 R 7 0 R 8 0 R] >>",
                              kid % (b"0", b"Off"), kid % (b"1", b"1"), kid % (b"2", b"Off")])
    assert _read(data) == [("choix", "box", "Femme", False, 1, CHECK_BOX),
                           ("choix", "box", "Homme", True, 1, CHECK_BOX), ("choix", "box", "2", False, 1, CHECK_BOX)]


def test_rule_the_on_state_is_the_normal_appearances_else_the_down_ones_followed_by_reference():
    data = _form(b"[5 0 R 6 0 R 7 0 R]", [
        b"<< /FT /Btn /T (par_reference) /V /Oui /AP << /N 8 0 R >> /P 3 0 R /Rect [10 700 20 710] >>",
        b"<< /FT /Btn /T (enfonce) /V /Oui /AP << /N << /Off 3 0 R >> /D << /Oui 3 0 R >> >> "
        b"/P 3 0 R /Rect [10 700 20 710] >>",
        b"<< /FT /Btn /T (flux) /AS /Yes /AP << /N 9 0 R >> /P 3 0 R /Rect [10 700 20 710] >>",
        b"<< /Off 3 0 R /Oui 3 0 R >>", stream(b"")])
    assert _read(data) == [("par_reference", "box", "Oui", True, 1, CHECK_BOX),
                           ("enfonce", "box", "Oui", True, 1, CHECK_BOX), ("flux", "box", None, True, 1, CHECK_BOX)]


def test_rule_of_several_on_states_the_first_by_name_is_taken_whatever_the_hash_seed():
    data = _form(b"[5 0 R]", [b"<< /FT /Btn /T (deux) /V /Off /AP << /N << /Zulu 3 0 R /Off 3 0 R /Alpha 3 0 R "
                              b"/Mike 3 0 R /Bravo 3 0 R >> >> /P 3 0 R /Rect [10 700 20 710] >>"])
    script = ("import sys; from tests.test_field_tree import _read; "
              "sys.stdout.write(repr(_read(bytes.fromhex(sys.argv[1]))))")
    seen = {subprocess.run([sys.executable, "-c", script, data.hex()], capture_output=True, text=True, check=True,
                           cwd=ROOT, env=os.environ | {"PYTHONHASHSEED": str(seed)}).stdout for seed in range(6)}
    assert seen == {repr([("deux", "box", "Alpha", False, 1, CHECK_BOX)])}


def test_rule_a_box_state_is_read_from_a_name_or_a_string():
    button = b"<< /FT /Btn /T %s /V %s /AS %s " + ON_OFF + b" /P 3 0 R /Rect [10 700 20 710] >>"
    data = _form(b"[5 0 R 6 0 R]", [button % (b"(nom)", b"/Oui", b"/Oui"), button % (b"(chaine)", b"(Oui)", b"(Oui)")])
    assert _read(data) == [("nom", "box", "Oui", True, 1, CHECK_BOX), ("chaine", "box", "Oui", True, 1, CHECK_BOX)]


def test_rule_need_appearances_lets_the_value_win_over_a_stale_drawn_state():
    field = b"<< /FT /Btn /T (case) /V /Oui /AS /Off %s /P 3 0 R /Rect [10 700 20 710] >>" % ON_OFF
    assert _read(_form(b"[5 0 R]", [field])) == [("case", "box", "Oui", None, 1, CHECK_BOX)]
    assert _read(_form(b"[5 0 R]", [field], b"/NeedAppearances true")) == [("case", "box", "Oui", True, 1, CHECK_BOX)]


def test_rule_a_text_value_array_is_joined_by_spaces_and_blank_values_are_none():
    data = _form(b"[5 0 R 6 0 R 7 0 R]", [_text(value=b"[(a) /b 3 1.50]", name=b"(liste)"),
                                          _text(value=b"(  )", name=b"(blanc)"), _text(value=b"/Nom", name=b"(nom)")])
    assert [(name, value) for name, _, value, *_ in _read(data)] == [("liste", "a /b 3 1.50"), ("blanc", None),
                                                                       ("nom", "/Nom")]


def test_rule_strings_are_decoded_from_utf16_pdfdocencoding_hex_and_escapes():
    data = _form(b"[5 0 R 6 0 R 7 0 R]", [
        _text(value=b"<feff00e9007400e9>", name=b"<feff00e9>"),
        _text(value=b"(\xe9t\xe9 \\(1\\)\\n)", name=b"(pdfdoc)"),
        _text(value=b"<48656c6c6f>", name=b"(hexa)")])
    assert [(name, value) for name, _, value, *_ in _read(data)] == [
        ("é", "été"), ("pdfdoc", "été (1)"), ("hexa", "Hello")]


def test_rule_names_with_escapes_are_read_unescaped():
    data = _form(b"[5 0 R]", [b"<< /FT /Btn /T (oui_non) /V /Oui#20Non /AS /Oui#20Non "
                              b"/AP << /N << /Oui#20Non 3 0 R /Off 3 0 R >> >> /P 3 0 R /Rect [10 700 20 710] >>"])
    assert _read(data) == [("oui_non", "box", "Oui Non", True, 1, CHECK_BOX)]


def test_rule_a_widget_outside_the_files_pages_has_page_zero_and_its_box_from_height_zero():
    data = _form(b"[5 0 R 6 0 R]", [_text(name=b"(sans_page)").replace(b"/P 3 0 R ", b""),
                                    _text(name=b"(autre)").replace(b"/P 3 0 R", b"/P 7 0 R"), b"<< /Type /Page >>"])
    assert _read(data) == [("sans_page", "text", "Dupont", None, 0, (10.0, -720.0, 110.0, -700.0)),
                           ("autre", "text", "Dupont", None, 0, (10.0, -720.0, 110.0, -700.0))]


def test_rule_boxes_order_the_corners_and_a_rect_that_is_not_four_numbers_gives_an_empty_box():
    data = _form(b"[5 0 R 6 0 R 7 0 R]", [
        _text(name=b"(inverse)").replace(b"[10 700 110 720]", b"[110.5 720 10 700.25]"),
        _text(name=b"(trois)").replace(b"[10 700 110 720]", b"[10 700 110]"),
        _text(name=b"(reference)").replace(b"[10 700 110 720]", b"8 0 R"), b"[10 700 110 720]"])
    assert [bbox for *_, bbox in _read(data)] == [(10.0, HEIGHT - 720.0, 110.5, HEIGHT - 700.25),
                                                  (0.0, 0.0, 0.0, 0.0), BOX]


def test_rule_a_rect_of_four_with_a_non_number_makes_the_tree_unreadable(tmp_path):
    """The file is then read from its pages, as one without a field tree."""
    path = tmp_path / "form.pdf"
    path.write_bytes(_form(b"[5 0 R 6 0 R]", [_text(name=b"(bon)"),
                                             _text().replace(b"[10 700 110 720]", b"[10 700 (x) 720]")]))
    assert _field_tree(path, in_order("egalite-2024"))[0] == []


def test_rule_page_numbers_and_heights_come_from_the_page_tree():
    pages = b"<< /Type /Pages /Kids [5 0 R 3 0 R] /Count 2 /MediaBox [0 0 600 500] >>"
    data = pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>", pages, PAGE,
                      b"<< /Fields [6 0 R 7 0 R] >>", b"<< /Type /Page /Parent 2 0 R >>",
                      _text(name=b"(deux)"), _text(name=b"(un)").replace(b"/P 3 0 R", b"/P 5 0 R")])
    assert _read(data) == [("deux", "text", "Dupont", None, 2, BOX),
                           ("un", "text", "Dupont", None, 1, (10.0, 500.0 - 720.0, 110.0, 500.0 - 700.0))]


def test_rule_a_loop_in_the_kids_ends_at_depth_32():
    data = _form(b"[5 0 R]", [b"<< /T (boucle) /Kids [5 0 R 6 0 R] >>",
                              b"<< /FT /Tx /V (x) /P 3 0 R /Rect [10 700 110 720] >>"])
    assert [name for name, *_ in _read(data)] == [".".join(["boucle"] * depth) for depth in range(32, 0, -1)]


def test_rule_fields_deeper_than_32_levels_are_not_read():
    def chain(depth: int) -> bytes:  # the text field at ``depth`` below the top of the tree
        above = [b"<< /T (n) /Kids [%d 0 R] >>" % (FIRST + level + 1) for level in range(depth)]
        return _form(b"[5 0 R]", [*above, _text()])
    assert [name for name, *_ in _read(chain(32))] == [".".join(["n"] * 32 + ["nom"])]
    assert _read(chain(33)) == []


def test_rule_more_than_max_fields_widgets_read_as_none(monkeypatch):
    monkeypatch.setattr(acroform, "MAX_FIELDS", 2)
    data = _form(b"[5 0 R 6 0 R 7 0 R]", [_text(name=b"(a)"), _text(name=b"(b)"), _text(name=b"(c)")])
    assert _read(data) == []
    monkeypatch.setattr(acroform, "MAX_FIELDS", 3)
    assert len(_read(data)) == 3


def test_rule_broken_references_are_absent_entries():
    data = _form(b"[5 0 R 99 0 R]", [b"<< /FT /Tx /T (casse) /V 98 0 R /P 97 0 R /Rect [10 700 110 720] >>"])
    assert _read(data) == [("casse", "text", None, None, 0, (10.0, -720.0, 110.0, -700.0))]


def test_rule_a_form_without_fields_reads_as_none():
    assert _read(pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE])) == []
    assert _read(_form(b"<< /T (x) >>", [])) == []


def test_rule_an_encrypted_forms_strings_are_read_decrypted():
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_form(b"[5 0 R]", [_text(value=b"(Secret)")])))
    writer.encrypt(user_password="", owner_password="proprietaire", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    assert _read(out.getvalue()) == [("nom", "text", "Secret", None, 1, BOX)]


def test_rule_a_text_fields_widgets_each_give_its_value_with_their_own_page_and_box():
    pages = b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>"
    data = pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>", pages, PAGE,
                      b"<< /Fields [6 0 R] >>", b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 500] >>",
                      b"<< /FT /Tx /T (nom) /V (Dupont) /Kids [7 0 R 8 0 R] >>",
                      b"<< /P 3 0 R /Rect [10 700 110 720] >>", b"<< /P 5 0 R /Rect [10 400 110 420] >>"])
    assert _read(data) == [("nom", "text", "Dupont", None, 1, BOX),
                           ("nom", "text", "Dupont", None, 2, (10.0, 80.0, 110.0, 100.0))]


def test_rule_a_field_of_another_type_gives_no_widget_yet_what_it_holds_can_make_the_tree_unreadable(tmp_path):
    """Its value and its widgets' places are read as any field's: one that cannot be read fails the tree."""
    signature = b"<< /FT /Sig /T (signature) /V %s /P 3 0 R /Rect %s >>"
    readable = _form(b"[5 0 R 6 0 R]", [_text(), signature % (b"(x)", b"[10 700 110 720]")])
    assert _read(readable) == [("nom", "text", "Dupont", None, 1, BOX)]
    for value, rect in ((b"/Caf#E9", b"[10 700 110 720]"), (b"(x)", b"[10 700 (x) 720]")):
        path = tmp_path / "form.pdf"
        path.write_bytes(_form(b"[5 0 R 6 0 R]", [_text(), signature % (value, rect)]))
        assert _field_tree(path, in_order("egalite-2024"))[0] == []
