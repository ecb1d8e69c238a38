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
import unicodedata
from functools import lru_cache

LANGUAGE = "fr"
MIN_LETTERS = 4  # shorter pieces (« es » of « salarié.es », « 3e », abbreviations) are not looked up
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # « aujourd'hui », « demi-journées » as one word
PIECE = re.compile(r"[^\W\d_]+")
SENTENCE_START = re.compile(r"(^|[.!?:;«»(\"])$")
# Articles and the like, capitalised inside a sentence only in a proper name (« La Poste »): read
# so by OCR where « la » was typed before capitals (« la CCI » read « La CCI », sure of it).
ACCENT_MORE_OFTEN = 1.0  # Zipf units: ten times as frequent (one form against the other)
FUNCTION_WORDS = frozenset({"le", "la", "les", "un", "une", "des", "du", "de", "et", "en", "au", "aux"})


def unknown_words(text: str) -> list[str]:
    """The words of ``text`` that are looked up and not found, in their order."""
    return [match.group() for match in WORD.finditer(text)
            if _looked_up(match.group(), text[:match.start()]) and not _known(match.group())]


def odd_letters(text: str) -> list[str]:
    """The words of ``text`` whose capital or accent OCR may have misread, in their order: an
    article or the like capitalised after a word in lower case (« de La CCI »; « Association La
    Ressourcerie » is a name), an E starting a word far more often written É (« Egalité »: the
    accent of a capital is a few pixels of a scan), or an accent before a word's last three
    letters that makes it a far rarer word than without (« Ténues »; « programmé » and
    « programme » are both common, and differ at the end)."""
    odd = []
    for match in WORD.finditer(text):
        word = match.group()
        before = text[:match.start()].rstrip()
        inside = not SENTENCE_START.search(before) and before.split()[-1][:1].islower()  # not in a name
        capital = word[:1].isupper() and word[1:].islower()
        if (capital and inside and word.lower() in FUNCTION_WORDS) or (capital and _accent_lost(word)) \
                or _accent_added(word.lower()):
            odd.append(word)
    return odd


def _accent_lost(word: str) -> bool:
    """An E whose word is far more often written with É (people type both: « Ecole »)."""
    rest = word[1:]
    return (word[0] == "E" and len(word) >= MIN_LETTERS
            and _frequency("é" + rest) - _frequency("e" + rest) >= ACCENT_MORE_OFTEN)


def _accent_added(word: str) -> bool:
    head = word[:-3]
    return (len(word) >= MIN_LETTERS and _plain(head) != head
            and _frequency(_plain(word)) - _frequency(word) >= ACCENT_MORE_OFTEN)


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


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
