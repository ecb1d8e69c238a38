"""Words read by OCR looked up in a French word list.

Tesseract sometimes reads a typed word as another string of letters, and is
sure of it (« Partenanat » for « Partenariat »): the text is then wrong with
no doubt raised. A word of a bidder's text that no French word list knows is
a doubt. Proper names are left alone (« Haulchin », « Nordascen »): only words
in lower case, or capitalised where a sentence starts, are looked up. The list
is wordfreq's French « large » list (about 300,000 forms from many sources,
shipped inside the package: nothing is downloaded), loaded on the first
lookup, so only a worker that reads a scan's text pays for it.
"""
from __future__ import annotations

import re
from functools import lru_cache

LANGUAGE = "fr"
MIN_LETTERS = 4  # shorter pieces (« es » of « salarié.es », « 3e », abbreviations) are not looked up
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # « aujourd'hui », « demi-journées » as one word
PIECE = re.compile(r"[^\W\d_]+")
SENTENCE_START = re.compile(r"(^|[.!?:;«»(\"])$")


def unknown_words(text: str) -> list[str]:
    """The words of ``text`` that are looked up and not found, in their order."""
    return [match.group() for match in WORD.finditer(text)
            if _looked_up(match.group(), text[:match.start()]) and not _known(match.group())]


def _looked_up(word: str, before: str) -> bool:
    letters = "".join(PIECE.findall(word))
    if len(letters) < MIN_LETTERS or not letters[1:].islower():
        return False  # short, or an acronym (« FIMO »)
    return letters[0].islower() or bool(SENTENCE_START.search(before.rstrip()))


def _known(word: str) -> bool:
    """A compound is known whole (« aujourd'hui ») or by each of its long pieces (« l'atelier »)."""
    if _frequency(word.lower()) > 0:
        return True
    return all(_frequency(piece.lower()) > 0 for piece in PIECE.findall(word) if len(piece) >= MIN_LETTERS)


@lru_cache(maxsize=4096)
def _frequency(word: str) -> float:
    from wordfreq import zipf_frequency  # its list is loaded here, once a worker reads a scan's text
    return zipf_frequency(word, LANGUAGE, wordlist="large")
