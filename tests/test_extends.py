"""A version written as its changes to another (questionnaire/extends.py): what it keeps, replaces and leaves out."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exit_codes import FormDefinitionError
from questionnaire import definition
from questionnaire.definition import load_path
from questionnaire.extends import apply

BASE = {
    "form": {"id": "base", "title": "T", "signature": ["a", "b"]},
    "sections": {"one": "1", "two": "2"},
    "types": {"text": {}, "score": {"max": 100}},
    "fields": [{"key": "name", "label": "Nom"}, {"table": "staff"}, {"key": "score", "label": "Note"}],
    "rules": [{"id": "r1", "kind": "x"}, {"id": "r2", "kind": "y"}],
}


def test_a_field_named_again_is_replaced_in_place_and_a_new_one_comes_after_the_base_fields() -> None:
    data = apply(BASE, {"fields": [{"key": "gap", "label": "Écart"}, {"key": "name", "label": "Raison sociale"}]})
    assert [(f.get("key") or f["table"], f.get("label")) for f in data["fields"]] == [
        ("name", "Raison sociale"), ("staff", None), ("score", "Note"), ("gap", "Écart")]


def test_what_is_removed_is_gone_and_the_rest_is_kept() -> None:
    data = apply(BASE, {"remove": {"fields": ["score"], "rules": ["r1"], "types": ["score"]}})
    assert [f.get("key") for f in data["fields"]] == ["name", None]
    assert [r["id"] for r in data["rules"]] == ["r2"]
    assert data["types"] == {"text": {}}


def test_form_entries_merge_one_by_one_and_sections_are_replaced_whole() -> None:
    data = apply(BASE, {"form": {"id": "v2", "signature": ["c"]}, "sections": {"two": "2", "one": "1"}})
    assert data["form"] == {"id": "v2", "title": "T", "signature": ["c"]}
    assert list(data["sections"]) == ["two", "one"]  # the version's order
    assert BASE["form"]["id"] == "base" and list(BASE["sections"]) == ["one", "two"]  # the base untouched


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    for path in definition.FORMS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path)
    return tmp_path


def test_a_label_variant_added_to_the_base_serves_the_version_that_extends_it(forms: Path) -> None:
    before = load_path(forms / "egalite-2027.toml")
    base = forms / "egalite-2024.toml"
    base.write_text(base.read_text(encoding="utf-8").replace('"Cellule VSS"', '"Cellule VSS", "Cellule anti-VSS"'),
                    encoding="utf-8")
    after = load_path(forms / "egalite-2027.toml")
    unit = next(f for f in after.fields if f.key == "commitments.harassment_unit.done")
    assert "Cellule anti-VSS" in unit.anchors
    assert after.digest != before.digest  # its cached records are read again


def test_the_2027_version_has_its_own_questions_and_not_the_index() -> None:
    form = definition.load("egalite-2027")
    keys = [f.key for f in form.fields]
    assert "equality_index.score" not in keys and "pay_gap.mean" in keys
    assert keys.index("policy.text") < keys.index("pay_gap.mean") < keys.index("commitments.agreements.done")
    assert form.answer_prompts == definition.load("egalite-2024").answer_prompts


@pytest.mark.parametrize("old, new, said", [
    ('extends = "egalite-2024"', 'extends = "egalite-2023"', "egalite-2023"),
    ('rules = ["index_missing"]', 'rules = ["index_absent"]', "index_absent"),
    ('document = ["index_question"]', 'documents = ["index_question"]', "documents"),
])
def test_a_wrong_change_names_the_file_and_its_line(forms: Path, old: str, new: str, said: str) -> None:
    path = forms / "egalite-2027.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    with pytest.raises(FormDefinitionError, match=f"egalite-2027.toml, ligne {line}\\).*{said}"):
        load_path(path)


def test_a_version_extended_by_another_cannot_extend_a_third(forms: Path) -> None:
    base = forms / "egalite-2024.toml"
    base.write_text('extends = "egalite-2027"\n' + base.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(FormDefinitionError, match=r"egalite-2024.toml, ligne 1\).*complétée par egalite-2027"):
        load_path(forms / "egalite-2027.toml")
