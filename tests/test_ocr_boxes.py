"""Word boxes as Tesseract gives them, made to fit their own ink (extract.ocr_engine.apart)."""
import numpy as np

from extract.ocr_engine import OcrWord, apart


def _page_with_ink(*spans: tuple[int, int, int, int]) -> np.ndarray:
    image = np.full((100, 300), 255, dtype=np.uint8)
    for x0, top, x1, bottom in spans:
        image[top:bottom, x0:x1] = 0
    return image


def test_a_word_running_over_the_next_one_ends_at_its_own_ink() -> None:
    image = _page_with_ink((20, 10, 48, 22), (100, 10, 130, 22))  # "Oui" and "Non" a column apart
    oui = OcrWord("Oui", 20, 10, 130, 22, 0.9)  # its box spans the "Non" column
    non = OcrWord("Non", 100, 10, 130, 22, 0.9)
    assert apart([oui, non], image) == [OcrWord("Oui", 20, 10, 48, 22, 0.9), non]


def test_words_apart_or_on_other_lines_keep_their_boxes() -> None:
    image = _page_with_ink((20, 10, 48, 22), (60, 10, 90, 22), (30, 50, 120, 62))
    words = [OcrWord("Oui", 20, 10, 48, 22, 0.9), OcrWord("Non", 60, 10, 90, 22, 0.9),
             OcrWord("Détails", 30, 50, 120, 62, 0.9)]
    assert apart(words, image) == words


def test_a_word_left_without_ink_keeps_its_box() -> None:
    image = _page_with_ink((100, 10, 130, 22))
    ghost = OcrWord("|", 20, 10, 130, 22, 0.3)
    non = OcrWord("Non", 100, 10, 130, 22, 0.9)
    assert apart([ghost, non], image) == [ghost, non]
