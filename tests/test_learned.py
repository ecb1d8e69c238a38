"""A generic fillable form's reading learned once per worker (extract.learned): a file filled in
on the same form reads exactly as it reads alone, with its own values; a file whose form differs
(a widget moved, a box ticked, a value of another kind) is read the slow way."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from extract import learned
from extract.read import read_file
from questionnaire.definition import in_order

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "inbox" / "VM-2026-014" / "Formulaire égalité Tonte et Taille Dupont.pdf"
OTHER_BIDDER = ROOT / "samples" / "inbox" / "UPHF-2026-AO03" / "Formulaire égalité - Net Express.pdf"
FORMS = in_order("egalite-2024")
NAME, MEN, MEN_TOTAL, BOX = "Texte1", "Texte10", "Texte13", "Case à cocher1"  # the seed's widgets


def _filled(tmp_path: Path, values: dict[str, str], moved: str | None = None, ticked: str | None = None) -> Path:
    """The seed with other values typed in some widgets, a widget moved, or a box ticked."""
    path = tmp_path / "filled.pdf"
    with pikepdf.open(SEED) as pdf:
        widgets = {str(f.get("/T")): f for f in pdf.Root.AcroForm.Fields}
        for name, value in values.items():
            widgets[name].V = pikepdf.String(value)
            del widgets[name]["/AP"]
        if moved:
            widgets[moved].Rect = pikepdf.Array([float(v) + 40 for v in widgets[moved].Rect])
        if ticked:
            on = next(k for k in widgets[ticked].AP.N.keys() if k != "/Off")
            widgets[ticked].V = widgets[ticked].AS = pikepdf.Name(on)
        pdf.Root.AcroForm.NeedAppearances = True
        pdf.save(path, compress_streams=False)  # the printed streams kept byte for byte
    return path


def _read(path: Path, after_seed: bool) -> tuple[dict, bool]:
    """The record of ``path`` read after the seed (its reading learned) or alone, and whether
    it was taken from a learned reading."""
    learned.LEARNED.kept.clear()
    if after_seed:
        read_file(SEED, SEED.name, "T", forms=FORMS)
        assert isinstance(next(iter(learned.LEARNED.kept.values())), learned.Learned)
    taken = []
    original = learned.Learned.readings
    learned.Learned.readings = lambda self, fields: taken.append(original(self, fields)) or taken[-1]
    try:
        record = read_file(path, path.name, "T", forms=FORMS).to_dict()
    finally:
        learned.Learned.readings = original
    return record, any(found is not None for found in taken)


@pytest.mark.parametrize("values", [
    {NAME: "SARL Autre Nom"},
    {MEN: "7", MEN_TOTAL: "7"},  # figures of the same kind
    {NAME: "Société des Jardins Réunis"},
])
def test_other_values_on_the_same_form_are_taken_from_the_learned_reading(tmp_path: Path, values: dict) -> None:
    path = _filled(tmp_path, values)
    learned_record, taken = _read(path, after_seed=True)
    alone, _ = _read(path, after_seed=False)
    assert taken and learned_record == alone
    seed, _ = _read(SEED, after_seed=False)
    assert learned_record["readings"] != seed["readings"]  # its own values, not the seed's


@pytest.mark.parametrize("values, moved, ticked", [
    ({}, NAME, None),  # the name's widget moved: another form
    ({}, None, BOX),  # a box ticked: the reader decides the ticks anew
    ({NAME: "Oui"}, None, None),  # a yes kept as written
    ({NAME: "12"}, None, None),  # figures where the seed has words
    ({NAME: "SARL :"}, None, None),  # a colon at its end
    ({MEN: "Nom de la structure"}, None, None),  # a piece of a printed label
])
def test_another_form_or_kind_of_value_is_read_the_slow_way(tmp_path: Path, values: dict, moved: str | None,
                                                             ticked: str | None) -> None:
    path = _filled(tmp_path, values, moved, ticked)
    learned_record, taken = _read(path, after_seed=True)
    alone, _ = _read(path, after_seed=False)
    assert not taken and learned_record == alone


def test_another_bidder_of_the_same_form_reads_as_alone() -> None:
    assert _read(OTHER_BIDDER, after_seed=True)[0] == _read(OTHER_BIDDER, after_seed=False)[0]
