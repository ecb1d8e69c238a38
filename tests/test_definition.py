"""The form definitions: checked when they load (file and line named), roles, and which form a file answers."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import questionnaire.definition as definition
from cli import main
from exit_codes import Exit, FormDefinitionError
from pipeline import _fresh
from questionnaire.definition import forms_digest, load, load_path
from questionnaire.layout import blocks
from questionnaire.record import Record
from questionnaire.schema import ROLES

FORM_ID = "egalite-2024"
SOURCE = (definition.FORMS_DIR / f"{FORM_ID}.toml").read_text(encoding="utf-8")


def broken(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """The 2024 definition with one mistake, and the line it is on."""
    assert SOURCE.count(old) == 1, old
    text = SOURCE.replace(old, new)
    path = tmp_path / f"{FORM_ID}.toml"
    path.write_text(text, encoding="utf-8")
    return path, text[:text.index(new)].count("\n") + 1


@pytest.mark.parametrize("old, new, said", [
    ('read = "area"', 'read = "inlnie"', "inlnie"),
    ('type = "score"', 'type = "scroe"', "scroe"),
    ('kind = "given_while_false"', 'kind = "given_while"', "given_while"),
    ('condition = "board.exists"', 'condition = "board.exist"', "board.exist"),
    ('table = "staff"\nseverity', 'table = "staf"\nseverity', "staf"),
    ('role = "index_score"', 'role = "index"', "index"),
    ('anchors = ["Note :"', 'anchor = ["Note :"', "anchor"),
    ('text_before = "officers_title"', 'text_before = "officer_title"', "officer_title"),
])
def test_a_mistake_in_the_definition_names_the_file_and_its_line(tmp_path: Path, old: str, new: str,
                                                                  said: str) -> None:
    path, line = broken(tmp_path, old, new)
    with pytest.raises(FormDefinitionError) as raised:
        load_path(path)
    assert f"{path.name}, ligne {line}" in raised.value.message and f"« {said}" in raised.value.message


def test_a_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path, line = broken(tmp_path, "[form]", "[form")
    with pytest.raises(FormDefinitionError, match=f"ligne {line}\\) : ce n.est pas du TOML valide"):
        load_path(path)


def test_the_command_line_says_it_in_french_with_its_exit_code(tmp_path: Path, monkeypatch) -> None:
    path, line = broken(tmp_path, 'read = "area"', 'read = "inlnie"')
    monkeypatch.setattr(definition, "FORMS_DIR", tmp_path)
    load.cache_clear()
    (tmp_path / "offres").mkdir()
    try:
        result = CliRunner().invoke(main, ["run", str(tmp_path / "offres"), "--output", str(tmp_path / "out")])
    finally:
        load.cache_clear()
    assert result.exit_code == Exit.FORM == 7
    assert f"Définition du formulaire invalide ({path.name}, ligne {line})" in result.output
    assert "Traceback" not in result.output


def test_the_forms_are_listed_again_when_the_folder_changes_or_is_another(tmp_path: Path, monkeypatch) -> None:
    """The folder is listed once per state (each file read asks for the versions), never kept stale."""
    monkeypatch.setattr(definition, "FORMS_DIR", tmp_path)
    (tmp_path / "b.toml").write_text("", encoding="utf-8")
    assert definition.available() == ["b"]
    (tmp_path / "a.toml").write_text("", encoding="utf-8")
    os.utime(tmp_path, ns=(0, tmp_path.stat().st_mtime_ns + 10**9))  # a coarse clock may not have moved
    assert definition.available() == ["a", "b"]
    other = tmp_path / "autre"
    other.mkdir()
    monkeypatch.setattr(definition, "FORMS_DIR", other)
    assert definition.available() == []
    monkeypatch.setattr(definition, "FORMS_DIR", tmp_path / "absent")
    assert definition.available() == []


def test_every_role_of_the_2024_form_is_played_once() -> None:
    form = load(FORM_ID)
    assert {role for role in ROLES if form.has_role(role)} == set(ROLES)
    assert form.key_of("index_score") == "equality_index.score" and form.table_of("head_count").id == "staff"


def test_a_role_asked_again_is_still_its_first_field_and_a_replaced_form_its_own() -> None:
    """The roles are looked up once per form (asked for each bidder of every sheet): the first field
    playing a role, as a scan of the fields gives it, and a form made by ``replace`` answers for itself."""
    form = load(FORM_ID)
    assert form.role("siret") is form.role("siret") is next(f for f in form.fields if f.role == "siret")
    assert form.role("no such role") is None
    twice = dataclasses.replace(form.field("siret"), key="siret_bis")
    later = dataclasses.replace(form, fields=(*form.fields, twice))
    earlier = dataclasses.replace(form, fields=(twice, *form.fields))
    assert later.key_of("siret") == "siret" and earlier.key_of("siret") == "siret_bis"


def test_templates_follow_the_definitions_order() -> None:
    """Moving a field in the TOML moves its block: the layout is the definition's order."""
    form = load(FORM_ID)
    keys = [b.fields[0].key if b.fields else (b.table.id if b.table else b.kind) for b in blocks(form)]
    moved = dataclasses.replace(form, fields=tuple(reversed(form.fields)))
    assert [b.fields[0].key if b.fields else (b.table.id if b.table else b.kind) for b in blocks(moved)
            if b.kind != "heading"] != [k for k in keys if k != "heading"]
    assert keys.index("staff") < keys.index("board.exists") < keys.index("officers") < keys.index("commitments")


def test_a_cached_record_is_stale_once_its_own_form_changes_and_only_then() -> None:
    form = load(FORM_ID)
    other = dataclasses.replace(form, id="egalite-autre", digest="b" * 64)
    read = Record("a.pdf", "T", form_id=form.id, form_digest=form.digest)
    unrecognised = Record("b.pdf", "T", form_id=form.id, error="x", form_digest=forms_digest([form, other]))
    assert _fresh(read, [form, other]) and _fresh(unrecognised, [form, other])
    changed_other = dataclasses.replace(other, digest="c" * 64)
    assert _fresh(read, [form, changed_other])  # another form's change leaves it
    assert not _fresh(unrecognised, [form, changed_other])  # ...but a file no form knew is read again
    assert not _fresh(read, [dataclasses.replace(form, digest="d" * 64), other])
