"""Statistical secrecy of the figures prepared for publication.

French official statistics hide a figure (primary secrecy) when it is built
on fewer than 3 structures or when one structure weighs more than 85% of
its total (dominance): :attr:`analyse.indicators.Measure.secret`. A hidden
figure must not be recomputable from what is shown (secondary secrecy): for
every set of published figures tied by a sum (score bands adding up to the
structures behind the average score, a row of genders adding up to its
total, the consultations adding up to the territory, a share of women and
the count of women it is computed from), one hidden figure alone in its set
could be recomputed from the others, so a second one is hidden: the
smallest non-zero one, so as to lose the least information.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Hashable, Iterable, Mapping, Sequence

from analyse.indicators import Measure

CellId = Hashable


def protect(measures: Mapping[CellId, Measure], relations: Iterable[Sequence[CellId]]
            ) -> dict[CellId, Measure]:
    """``measures`` with every secret figure and enough others ``masked``.

    ``relations`` are the sets of cells tied by a sum (cells not in
    ``measures`` are ignored).
    """
    relations = [[cell for cell in cells if cell in measures] for cells in relations]
    masked = {cell for cell, measure in measures.items() if measure.secret}
    changed = True
    while changed:
        changed = False
        for cells in relations:
            shown = [cell for cell in cells if cell not in masked]
            if len(cells) - len(shown) == 1 and shown:
                masked.add(min(shown, key=lambda cell: _cost(measures[cell])))
                changed = True
    return {cell: replace(measure, masked=True) if cell in masked else measure
            for cell, measure in measures.items()}


def _cost(measure: Measure) -> tuple[bool, float]:
    """What hiding a figure loses: a zero hides nothing (it is no protection), then the smallest."""
    size = measure.value if measure.kind == "count" else measure.base
    return (not size, float(size or 0))
