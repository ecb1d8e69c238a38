"""A page's printed content read once per worker (extract.layouts): files that print the same
form but differ in their values, or in text typed over the form, read exactly as each alone."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from extract import layouts, learned
from extract.read import read_file
from extract.recent import Recent
from questionnaire.definition import in_order

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "inbox" / "VM-2026-014" / "Formulaire égalité Tonte et Taille Dupont.pdf"
OTHER_BIDDER = ROOT / "samples" / "inbox" / "UPHF-2026-AO03" / "Formulaire égalité - Net Express.pdf"
FORMS = in_order("egalite-2024")
NAME_WIDGET, NAME_KEY = "Texte1", "structure_name"


def _digests(path: Path) -> list[str | None]:
    with pikepdf.open(path) as pdf:
        return layouts.page_digests(pdf)


def _read(path: Path, cached: bool, taken: int = 0) -> dict:
    """The record of ``path``: read after the seed with the cache (``taken`` of its pages from the
    seed's), or alone."""
    layouts.PRINTED.kept.clear()
    learned.LEARNED.kept.clear()  # a form's reading learned in this worker spares its pages (test_learned)
    if cached:
        read_file(SEED, SEED.name, "T", forms=FORMS)
        learned.LEARNED.kept.clear()
    found = []
    layouts.PRINTED.get = lambda key: found.append(Recent.get(layouts.PRINTED, key)) or found[-1]
    try:
        record = read_file(path, path.name, "T", forms=FORMS).to_dict()
    finally:
        del layouts.PRINTED.get
    assert sum(printed is not None for printed in found) == taken
    return record


def _with_value(tmp_path: Path, value: str) -> Path:
    """The seed with another company name typed in its name widget (the same printed form)."""
    path = tmp_path / "other-value.pdf"
    with pikepdf.open(SEED) as pdf:
        widget = next(f for f in pdf.Root.AcroForm.Fields if str(f.get("/T")) == NAME_WIDGET)
        widget.V = pikepdf.String(value)
        del widget["/AP"]
        pdf.Root.AcroForm.NeedAppearances = True
        pdf.save(path, compress_streams=False)  # the printed streams kept byte for byte
    return path


def _typed_over(tmp_path: Path) -> Path:
    """The seed with words typed over the printed form (a PDF editor's text, in the page's content)."""
    path = tmp_path / "typed-over.pdf"
    with pikepdf.open(SEED) as pdf:
        page = pdf.pages[0]
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        fonts = pikepdf.Dictionary({**dict(page.Resources.Font.items()), "/Typed": font})
        page.obj.Resources = pikepdf.Dictionary({**dict(page.Resources.items()), "/Font": fonts})  # its own
        box = next(f for f in pdf.Root.AcroForm.Fields if str(f.get("/T")) == NAME_WIDGET).Rect
        top = float(box[3])
        page.contents_add(pikepdf.Stream(pdf, b"BT /Typed 10 Tf 60 %.1f Td (Ajout hors formulaire) Tj ET"
                                         % (top + 30)), prepend=False)
        pdf.save(path, compress_streams=False)  # the printed streams kept byte for byte
    return path


def test_the_digest_covers_the_printed_content_and_not_the_values(tmp_path: Path) -> None:
    seed = _digests(SEED)
    assert len(seed) == 3 and all(seed)
    assert _digests(OTHER_BIDDER) == seed  # another bidder returned the same buyer's form
    assert _digests(_with_value(tmp_path, "SARL Autre Nom")) == seed
    typed = _digests(_typed_over(tmp_path))
    assert typed[0] != seed[0] and typed[1:] == seed[1:]


def test_a_page_twice_in_one_file_is_read_twice(tmp_path: Path) -> None:
    path = tmp_path / "twice.pdf"
    with pikepdf.open(SEED) as pdf:
        pdf.pages.append(pdf.pages[1])
        pdf.save(path, compress_streams=False)  # the printed streams kept byte for byte
    digests = _digests(path)
    assert digests[1] and digests[3] is None  # its words must be objects of their own


@pytest.mark.parametrize("value", ["SARL Autre Nom", "Oui", "12"])
def test_same_form_other_values_read_as_alone(tmp_path: Path, value: str) -> None:
    path = _with_value(tmp_path, value)
    cached, alone = _read(path, cached=True, taken=3), _read(path, cached=False)
    assert cached == alone
    seed = _read(SEED, cached=False)
    assert cached["readings"][NAME_KEY] != seed["readings"][NAME_KEY]


def test_another_bidder_of_the_same_form_reads_as_alone() -> None:
    assert _read(OTHER_BIDDER, cached=True, taken=3) == _read(OTHER_BIDDER, cached=False)


def test_text_typed_over_the_form_is_read_with_the_cache(tmp_path: Path) -> None:
    path = _typed_over(tmp_path)
    cached, alone = _read(path, cached=True, taken=2), _read(path, cached=False)
    assert cached == alone
    assert cached != _read(SEED, cached=False)  # the typed words are seen, not the seed's page
