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

A line written over from end to end has no chain left: it is found from
its visible dots lying on the pitch of a line above or below (the lines of
one answer area are drawn alike). Dust lying on a line, with no letter just
before it, goes with the line.
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
TALLER = 1.6  # or this many times their height (the dot of an i, an accent)
WRITTEN_LINE_DOTS = 6  # visible dots that seed a line written over from end to end,
WRITTEN_LINE_SHARE = 0.8  # and their share of the flat pieces of the row
MARGIN_PX = 1  # erased around a hidden dot's place
STOP_REACH_PT = 5.5  # a full stop follows its word's last letter closer than this
LETTER_HEIGHT_PT = 6.0  # and that letter stands this high above the line, at most


@dataclass
class Pieces:
    """The flat components of a page (candidates for dots), in x order."""

    ids: np.ndarray  # component labels
    x: np.ndarray  # centroids
    y: np.ndarray
    left: np.ndarray  # bounding boxes
    top: np.ndarray
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
        return cls(ids, centroids[ids, 0], centroids[ids, 1], stats[ids, cv2.CC_STAT_LEFT],
                   stats[ids, cv2.CC_STAT_TOP], stats[ids, cv2.CC_STAT_WIDTH], stats[ids, cv2.CC_STAT_HEIGHT],
                   stats[ids, cv2.CC_STAT_AREA])


class Leader:
    """One dotted line: its dots (indices into :class:`Pieces`) and their places
    ``x = origin + k * pitch``, fitted by least squares as dots join."""

    def __init__(self) -> None:
        self.members: list[int] = []
        self.places: list[int] = []
        self.origin, self.pitch = 0.0, 1.0
        self.dot_area, self.dot_height = 0.0, 0.0  # of the seed's dots (see measure)
        self._sums = np.zeros(5)  # n, Σk, Σx, Σk², Σkx

    def measure(self, pieces: "Pieces") -> "Leader":
        """The usual size of the seed's dots, that others must match."""
        self.dot_area = float(np.median(pieces.area[self.members]))
        self.dot_height = float(np.median(pieces.height[self.members]))
        return self

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
    taken = np.zeros(len(pieces.ids), bool)
    leaders: list[Leader] = []

    def follow(seed: Leader) -> None:
        leader = _follow(seed, pieces, taken, scale)
        taken[leader.members] = True
        leaders.append(leader)

    for chain in _chains(pieces, scale):
        if not taken[chain].any():  # else a chain of a line already followed
            follow(_from_chain(chain, pieces))
    for seed in _rows_on_known_pitch(pieces, taken, list(leaders), scale):
        follow(seed)
    mask = np.zeros(labels.shape, np.uint8)
    flat = set(pieces.ids.tolist())
    for leader in leaders:
        _paint(mask, labels, flat, leader, pieces)
        for piece in _on_row(leader, pieces, taken, scale):
            if _alone(labels, flat, pieces, int(piece), scale):  # dust on the line
                _paint_piece(mask, labels, pieces, int(piece))
    return mask


def _on_row(leader: Leader, pieces: Pieces, taken: np.ndarray, scale: float) -> np.ndarray:
    """The pieces on the leader's row that did not join it (full stops of the text, dust)."""
    members = np.array(leader.members)
    row_y = float(np.median(pieces.y[members]))
    left, right = pieces.x[members].min() - leader.pitch, pieces.x[members].max() + leader.pitch
    return np.flatnonzero(~taken & (np.abs(pieces.y - row_y) <= ROW_DRIFT_PT * scale)
                          & (pieces.x >= left) & (pieces.x <= right))


def _alone(labels: np.ndarray, flat: set[int], pieces: Pieces, piece: int, scale: float) -> bool:
    """No letter just before the piece on its line: dust, not the full stop of a word."""
    x, y = int(pieces.x[piece]), int(pieces.y[piece])
    reach, above = round(STOP_REACH_PT * scale), round(LETTER_HEIGHT_PT * scale)
    window = labels[max(0, y - above):y + 1, max(0, x - reach):x]
    return not any(int(label) not in flat for label in np.unique(window) if label)


def _paint_piece(mask: np.ndarray, labels: np.ndarray, pieces: Pieces, piece: int) -> None:
    box = (slice(pieces.top[piece], pieces.top[piece] + pieces.height[piece]),
           slice(pieces.left[piece], pieces.left[piece] + pieces.width[piece]))
    mask[box][labels[box] == pieces.ids[piece]] = 255


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


def _from_chain(chain: np.ndarray, pieces: Pieces) -> Leader:
    """A leader seeded by a chain of visible dots, its pitch their usual spacing."""
    chain = chain[pieces.area[chain] >= 0.4 * np.median(pieces.area[chain])]  # dust on the line aside
    pitch = max(1.0, float(np.median(np.diff(pieces.x[chain]))))
    leader = Leader()
    for member in chain.tolist():
        leader.add(member, round((pieces.x[member] - pieces.x[chain[0]]) / pitch), float(pieces.x[member]))
    return leader.measure(pieces)


def _rows_on_known_pitch(pieces: Pieces, taken: np.ndarray, known: list[Leader], scale: float) -> list[Leader]:
    """Lines written over from end to end (no chain of visible dots left), seeded by
    their visible dots lying on the pitch of a line found above or below: the lines
    of one answer area are drawn alike. Most of the row's dots must be on that pitch."""
    dots = np.flatnonzero(~taken & (pieces.area >= (DOT_MIN_PT * scale) ** 2))
    rows = np.floor(pieces.y[dots] / (ROW_DRIFT_PT * scale)).astype(int)
    numbers, counts = np.unique(rows, return_counts=True)
    seeds = []
    for row in numbers[counts >= WRITTEN_LINE_DOTS]:
        members = dots[rows == row]
        for leader in known:
            on = [int(m) for m in members if _looks_like(m, leader, pieces)]
            if len(on) >= WRITTEN_LINE_DOTS and len(on) >= WRITTEN_LINE_SHARE * len(members):
                seed = Leader()
                for member in on:
                    seed.add(member, leader.place_of(float(pieces.x[member]))[0], float(pieces.x[member]))
                seeds.append(seed.measure(pieces))
                break
    return seeds


def _looks_like(member: int, leader: Leader, pieces: Pieces) -> bool:
    """A piece on the leader's pitch, shaped like its dots."""
    return (pieces.area[member] <= LARGER * leader.dot_area
            and pieces.height[member] <= TALLER * leader.dot_height
            and leader.place_of(float(pieces.x[member]))[1] <= ON_PITCH)


def _follow(seed: Leader, pieces: Pieces, taken: np.ndarray, scale: float) -> Leader:
    """The whole line of ``seed``: its dots to the left and right, across written words."""
    leader = seed
    seeded = np.array(seed.members)
    row_y = float(np.median(pieces.y[seeded]))
    band = np.flatnonzero((np.abs(pieces.y - row_y) <= ROW_BAND_PT * scale) & ~taken)
    for direction in (1, -1):
        xs = pieces.x[seeded]
        end = int(seeded[np.argmax(xs)] if direction == 1 else seeded[np.argmin(xs)])
        ordered = band[(pieces.x[band] - pieces.x[end]) * direction > 0]
        for candidate in ordered[:: direction]:
            if abs(pieces.x[candidate] - pieces.x[end]) > WORD_MAX_PT * scale:
                break
            if abs(pieces.y[candidate] - pieces.y[end]) > ROW_DRIFT_PT * scale or not _looks_like(
                    int(candidate), leader, pieces):
                continue
            leader.add(int(candidate), leader.place_of(float(pieces.x[candidate]))[0], float(pieces.x[candidate]))
            end = int(candidate)
    return leader


def _paint(mask: np.ndarray, labels: np.ndarray, flat: set[int], leader: Leader, pieces: Pieces) -> None:
    """The leader's visible dots, and rectangles where its hidden dots lie."""
    members = np.array(leader.members)
    order = np.argsort(leader.places)
    members, places = members[order], np.array(leader.places)[order]
    reach = int(pieces.width[members].max() + pieces.height[members].max())
    x0, x1 = max(0, int(pieces.x[members].min()) - reach), int(pieces.x[members].max()) + reach + 1
    top, bottom = max(0, int(pieces.y[members].min()) - reach), int(pieces.y[members].max()) + reach + 1
    visible = np.isin(labels[top:bottom, x0:x1], pieces.ids[members])
    mask[top:bottom, x0:x1][visible] = 255
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
