"""``egalite debug FILE``: one picture per questionnaire page, what was seen outlined in its colour."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from PIL import Image

from cli import main
from exit_codes import Exit
from extract.debug import DPI, EMPTY, LABEL, TICKED, ZONE
from extract.labels import LabelIndex
from extract.read import read_with_pages
from questionnaire.definition import load

FORM = load("egalite-2024")
SAMPLES = Path(__file__).parents[1] / "samples"


def _typed_sample() -> Path:
    for truth_path in sorted((SAMPLES / "truth").glob("*/*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth.get("channel") == "typed" and truth["status"] != "rejected" and not truth.get("findings"):
            return SAMPLES / "inbox" / truth["file"]
    raise AssertionError("no typed sample")


def _colour_near(image: np.ndarray, x: float, y: float, colour: tuple[int, int, int], reach: int = 4) -> bool:
    """Whether a pixel of ``colour`` lies within ``reach`` pixels of (x, y) points."""
    scale = DPI / 72
    column, row = round(x * scale), round(y * scale)
    window = image[max(0, row - reach):row + reach + 1, max(0, column - reach):column + reach + 1]
    return bool((window == np.array(colour, dtype=np.uint8)).all(axis=-1).any())


def test_debug_draws_each_questionnaire_page_with_labels_marks_and_zones(tmp_path: Path) -> None:
    path = _typed_sample()
    result = CliRunner().invoke(main, ["debug", str(path), "--output", str(tmp_path / "images")])
    assert result.exit_code == 0, result.output
    record, pages = read_with_pages(path, path.name, path.parent.name, forms=[FORM])
    pictures = sorted((tmp_path / "images").glob("*.png"))
    assert [p.name[-11:] for p in pictures] == [f"page{n:03d}.png" for n in record.pages]
    images = {n: np.asarray(Image.open(p).convert("RGB")) for n, p in zip(record.pages, pictures)}

    siret = LabelIndex(pages).first(["SIRET"])
    x0, top, _, bottom = siret.bbox
    assert _colour_near(images[siret.page.number], x0, (top + bottom) / 2, LABEL)

    reading = record.readings["siret"]
    assert reading.doubt is None and _colour_near(images[reading.page], reading.bbox[0], reading.bbox[3], ZONE)

    marks = [(p.number, m) for p in pages for m in p.marks]
    for checked, colour in ((True, TICKED), (False, EMPTY)):
        number, mark = next((n, m) for n, m in marks if m.checked is checked)
        assert _colour_near(images[number], mark.x0, mark.middle, colour)


def test_debug_never_writes_beside_the_file_read(tmp_path: Path) -> None:
    path = tmp_path / "questionnaire.pdf"
    path.write_bytes(_typed_sample().read_bytes())
    result = CliRunner().invoke(main, ["debug", str(path), "--output", str(tmp_path)])
    assert result.exit_code == Exit.USAGE
    assert list(tmp_path.iterdir()) == [path]


def test_debug_of_a_missing_file_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["debug", str(tmp_path / "absent.pdf"), "--output", str(tmp_path / "x")])
    assert result.exit_code == Exit.INPUT and "introuvable" in result.output
