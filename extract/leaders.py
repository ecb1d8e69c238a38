"""Dotted answer lines on a page image: every dot, those hidden under writing included.

A form's blank lines are rows of small dots or dashes on a regular pitch.
Text typed or written over such a line touches some dots (OCR then reads
"salaixe" for "salaire", "ç" for "c") and leaves others visible between
the words (read as stray full stops). A leader is found from a chain of
visible dots (:data:`CHAIN_MIN_PT` or longer), then followed dot by dot
to the left and right, across the words written on it: a piece joins the
leader only when it lies on the leader's row, on its pitch, and is no
larger than its dots, so the full stops of the text (beside the grid, or
larger) stay. Where a word hides the dots, their places are known from
the pitch and only those small rectangles are erased from the letters,
unless a stroke goes on below the line there (the stem of a "p").
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

DASH_GAP_PT = 3.5  # dots of a chain are closer than this
LINE_MAX_PT = 2.5  # dots and dashes of a rule are flatter than this; letters are taller
DASH_MAX_PT = 6.0  # and shorter than this
CHAIN_MIN_PT = 9.0  # four dots or more lined up on a regular pitch over this length are a dotted line
CHAIN_MIN_DOTS = 4
REGULAR = 0.3  # the gaps of a chain differ from their median by at most this share,
REGULAR_SHARE = 0.75  # most of them
DOT_MIN_PT = 0.6  # side of the smallest dot of a line; scanner noise is smaller
WORD_MAX_PT = 120.0  # the longest stretch of a line that a written word may hide
ROW_DRIFT_PT = 0.8  # neighbouring dots of a line differ this little in height (residual skew)
ROW_BAND_PT = 3.0  # the candidates of a line lie this close to its chain's height
ON_PITCH = 0.25  # a dot lies within this share of the pitch from its place on the line
LARGER = 1.8  # a piece this many times the area of the line's dots is a full stop, not a dot
MARGIN_PX = 1  # erased around a hidden dot's place


@dataclass
class Pieces:
    """The flat components of a page (candidates for dots), in x order."""

    ids: np.ndarray  # component labels
    x: np.ndarray  # centroids
    y: np.ndarray
    width: np.ndarray
    height: np.ndarray
    area: np.ndarray

    @classmethod
    def of(cls, stats: np.ndarray, centroids: np.ndarray, scale: float) -> "Pieces":
        flat = ((stats[:, cv2.CC_STAT_HEIGHT] <= LINE_MAX_PT * scale)
                & (stats[:, cv2.CC_STAT_WIDTH] <= DASH_MAX_PT * scale))
        flat[0] = False  # the background
        ids = np.flatnonzero(flat)
        ids = ids[np.argsort(centroids[ids, 0], kind="stable")]
        return cls(ids, centroids[ids, 0], centroids[ids, 1], stats[ids, cv2.CC_STAT_WIDTH],
                   stats[ids, cv2.CC_STAT_HEIGHT], stats[ids, cv2.CC_STAT_AREA])


class Leader:
    """One dotted line: its dots (indices into :class:`Pieces`) and their places
    ``x = origin + k * pitch``, fitted by least squares as dots join."""

    def __init__(self) -> None:
        self.members: list[int] = []
        self.places: list[int] = []
        self.origin, self.pitch = 0.0, 1.0
        self._sums = np.zeros(5)  # n, Σk, Σx, Σk², Σkx

    def add(self, member: int, place: int, x: float) -> None:
        self.members.append(member)
        self.places.append(place)
        self._sums += (1.0, place, x, place * place, place * x)
        n, sk, sx, skk, skx = self._sums
        spread = n * skk - sk * sk
        if spread > 0:
            self.pitch = (n * skx - sk * sx) / spread
            self.origin = (sx - self.pitch * sk) / n

    def place_of(self, x: float) -> tuple[int, float]:
        """The nearest place on the pitch, and the distance to it in pitches."""
        k = round((x - self.origin) / self.pitch)
        return k, abs(x - self.origin - k * self.pitch) / self.pitch


def leader_mask(labels: np.ndarray, stats: np.ndarray, centroids: np.ndarray, scale: float) -> np.ndarray:
    """The pixels of the page's dotted lines (0/255), hidden dots included.

    ``labels``, ``stats`` and ``centroids`` are OpenCV's connected components
    of the ink; ``scale`` is pixels per point.
    """
    pieces = Pieces.of(stats, centroids, scale)
    mask = np.zeros(labels.shape, np.uint8)
    taken = np.zeros(len(pieces.ids), bool)
    for chain in _chains(pieces, scale):
        if taken[chain].any():
            continue  # a chain of a line already followed
        leader = _follow(chain, pieces, taken, scale)
        taken[leader.members] = True
        _paint(mask, labels, leader, pieces)
    return mask


def _stem_or_stop(labels: np.ndarray, flat: set[int], box: tuple[int, int, int, int]) -> bool:
    """Whether a hidden dot's place holds what must stay: a stroke going on below
    the line (the stem of a "p"), or a full stop of the text merged with the dot
    (a flat piece too large to be a dot)."""
    top, bottom, left, right = box
    if (labels[bottom:bottom + MARGIN_PX + 1, left:right] > 0).any():
        return True
    return int(labels[(top + bottom) // 2, (left + right) // 2]) in flat


def _chains(pieces: Pieces, scale: float) -> list[np.ndarray]:
    """Runs of visible dots at least :data:`CHAIN_MIN_PT` long, as piece indices in x order.

    Dots are grouped by height in bands of :data:`ROW_DRIFT_PT`, twice (the
    second time shifted by half a band, so a line lying on a band's edge is
    whole in one of the two), then cut where two dots are further apart
    than :data:`DASH_GAP_PT`.
    """
    band = ROW_DRIFT_PT * scale
    dots = np.flatnonzero(pieces.area >= (DOT_MIN_PT * scale) ** 2)
    runs = []
    for shift in (0.0, 0.5):
        rows = np.floor(pieces.y[dots] / band + shift).astype(int)
        order = dots[np.lexsort((pieces.x[dots], rows))]  # by band, then from left to right
        rows = np.floor(pieces.y[order] / band + shift).astype(int)
        cuts = np.flatnonzero((np.diff(rows) != 0) | (np.diff(pieces.x[order]) > DASH_GAP_PT * scale)) + 1
        runs += [run for run in np.split(order, cuts) if _is_chain(pieces.x[run], scale)]
    return runs


def _is_chain(xs: np.ndarray, scale: float) -> bool:
    if len(xs) < CHAIN_MIN_DOTS or xs[-1] - xs[0] < CHAIN_MIN_PT * scale:
        return False
    gaps = np.diff(xs)
    regular = np.abs(gaps - np.median(gaps)) <= REGULAR * np.median(gaps)
    return bool(regular.mean() >= REGULAR_SHARE)  # a speck of dust among the dots aside


def _follow(chain: np.ndarray, pieces: Pieces, taken: np.ndarray, scale: float) -> Leader:
    """The whole line of ``chain``: its dots to the left and right, across written words."""
    chain = chain[pieces.area[chain] >= 0.4 * np.median(pieces.area[chain])]  # dust on the line aside
    pitch = max(1.0, float(np.median(np.diff(pieces.x[chain]))))
    places = np.round((pieces.x[chain] - pieces.x[chain[0]]) / pitch).astype(int)
    leader = Leader()
    for member, place in zip(chain.tolist(), places.tolist()):
        leader.add(member, place, float(pieces.x[member]))
    row_y = float(np.median(pieces.y[chain]))
    band = np.flatnonzero((np.abs(pieces.y - row_y) <= ROW_BAND_PT * scale) & ~taken)
    dot_area = float(np.median(pieces.area[chain]))
    for direction in (1, -1):
        end = int(chain[-1] if direction == 1 else chain[0])
        ordered = band[(pieces.x[band] - pieces.x[end]) * direction > 0]
        for candidate in ordered[:: direction]:
            if abs(pieces.x[candidate] - pieces.x[end]) > WORD_MAX_PT * scale:
                break
            if (abs(pieces.y[candidate] - pieces.y[end]) > ROW_DRIFT_PT * scale
                    or pieces.area[candidate] > LARGER * dot_area):
                continue
            place, off = leader.place_of(float(pieces.x[candidate]))
            if off > ON_PITCH:
                continue
            leader.add(int(candidate), place, float(pieces.x[candidate]))
            end = int(candidate)
    return leader


def _paint(mask: np.ndarray, labels: np.ndarray, leader: Leader, pieces: Pieces) -> None:
    """The leader's visible dots, and rectangles where its hidden dots lie."""
    members = np.array(leader.members)
    order = np.argsort(leader.places)
    members, places = members[order], np.array(leader.places)[order]
    reach = int(pieces.width[members].max() + pieces.height[members].max())
    x0, x1 = max(0, int(pieces.x[members].min()) - reach), int(pieces.x[members].max()) + reach + 1
    top, bottom = max(0, int(pieces.y[members].min()) - reach), int(pieces.y[members].max()) + reach + 1
    visible = np.isin(labels[top:bottom, x0:x1], pieces.ids[members])
    mask[top:bottom, x0:x1][visible] = 255
    flat = set(pieces.ids.tolist())
    half_w = float(np.median(pieces.width[members])) / 2 + MARGIN_PX
    half_h = float(np.median(pieces.height[members])) / 2 + MARGIN_PX
    for (a, ka), (b, kb) in zip(zip(members, places), zip(members[1:], places[1:])):
        for k in range(ka + 1, kb):
            x = leader.origin + k * leader.pitch
            y = pieces.y[a] + (pieces.y[b] - pieces.y[a]) * (k - ka) / (kb - ka)
            top, bottom = max(0, round(y - half_h)), round(y + half_h) + 1
            left, right = max(0, round(x - half_w)), round(x + half_w) + 1
            if not _stem_or_stop(labels, flat, (top, bottom, left, right)):
                mask[top:bottom, left:right] = 255
