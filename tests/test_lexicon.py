"""Which words of a scan's text are looked up in the French word list, and which are unknown."""
from __future__ import annotations

import pytest

from extract.lexicon import unknown_words


@pytest.mark.parametrize("text, unknown", [
    ("Partenanat avec l'association.", ["Partenanat"]),  # a sentence's first word is looked up
    ("Une formation. Partenanat signé.", ["Partenanat"]),
    ("Entreprise de taxis et anbdances de personnes.", ["anbdances"]),
    ("La rémuné- ration est suivie.", ["rémuné"]),  # a word cut at the line's end is no word
])
def test_letters_no_french_word_has_are_unknown(text: str, unknown: list[str]) -> None:
    assert unknown_words(text) == unknown


@pytest.mark.parametrize("text", [
    "Convention avec Femmes du Hainaut, au dépôt d’Haulchin, chez Nordascen.",  # names: capitalised inside
    "Formation FIMO et CACES pour nos 17 associé.es et technicien·ne·s de 3e niveau.",  # acronyms, short pieces
    "Deux demi-journées aujourd'hui pour l’équipe d'encadrement.",  # compounds and elisions
    "Référente désignée, plan pluriannuel, parentalité.",  # the trade's words
])
def test_words_of_french_texts_and_names_are_not_unknown(text: str) -> None:
    assert unknown_words(text) == []
