"""Brackets OCR misread, decided by their pair.

Tesseract reads a round bracket as a curly or a square one now and then
(« {conduite de massicot, PAO, gestion de stock) »): its model knows brackets
come in pairs of one kind, but reads each alone. The pair tells: an opening
bracket of one kind closed by a bracket of another kind, neither having a
partner of its own kind, is one bracket misread. Writers use round brackets
far more than the others, so a pair with one round bracket is a round pair;
a pair of a square and a curly bracket cannot be decided and is left as read,
``unsure`` (the field reader then asks for a review).
"""
from __future__ import annotations

OPENING, CLOSING = "([{", ")]}"
COMMON = 0  # the round bracket's kind: the one writers use


def paired(text: str) -> tuple[str, bool]:
    """``text`` (read by OCR) with its mismatched bracket pairs made one kind, and
    whether a mismatched pair is left undecided."""
    chars, unsure = list(text), False
    stack: list[int] = []  # indices of the brackets opened and not yet closed
    for index, char in enumerate(text):
        if char in OPENING:
            stack.append(index)
            continue
        if char not in CLOSING or not stack:
            continue  # a closing bracket without opening ("a)"): not a pair, left to the other rules
        start = stack.pop()
        opened, closed = OPENING.index(text[start]), CLOSING.index(char)
        if opened == closed:
            continue
        own_closer = CLOSING[opened] in text[index:]
        own_opener = any(text[i] == OPENING[closed] for i in stack)
        if COMMON in (opened, closed) and not own_closer and not own_opener:
            chars[start], chars[index] = OPENING[COMMON], CLOSING[COMMON]
        else:
            unsure = True
    return "".join(chars), unsure
