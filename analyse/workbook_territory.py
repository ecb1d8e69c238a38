"""The territory-wide workbook, built from the whole history store.

Every campaign and year in the store counts; a structure that answered
several tenders counts once, by SIREN (else its name), with the answer
retained in its latest tender; values with an error finding are left out
and each sheet says how many. Sheets:
« Territoire » (scope and indicators, commitments chart), « Index »
(distribution of scores with the legal thresholds 75 and 85),
« Gouvernance » (officers' gender), « Par consultation » and « Par année »
(the same indicators per group, with charts). With ``publication``, every
figure built on fewer than 3 structures or dominated by one, and enough
others that none can be recomputed (:mod:`analyse.secrecy`), reads
« secret » and is left out of the charts.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from analyse.egapro import tender_year
from analyse.excel import (BOLD, GREEN_FILL, ORANGE_FILL, PERCENT_FORMAT, RED_FILL, TITLE, WRAP, Alignment, Book,
                           Chart, Sheet, fit_rows, header, hide_column, printable, put, put_note, put_row,
                           save_atomically, widths)
from analyse.sheets import MULTIPLE_SHEET, french_date
from analyse.indicators import (DOMINANCE, LATEST_RULE, MIN_STRUCTURES, SCORE_THRESHOLDS, Choices, Indicator,
                                Measure, count, distinct, excluded_note, figure_keys, figure_parts, indicators,
                                officer_distribution, score_bands, score_distribution, share, shared_parts,
                                unidentified, usable)
from analyse.secrecy import CellId, protect
from analyse.store import Store, StoredVersion
from analyse.egapro import NOT_CHECKED
from analyse.workbook_tender import DECLARED_INDEX, declared_index, EGAPRO_RULE_PREFIX, PUBLISHED_INDEX, bidder, published_index
from questionnaire.definition import Form, load, merged
from questionnaire.record import Record

SECRET = "secret"
FORMATS = {"share": PERCENT_FORMAT, "count": "0", "score": "0.0"}
BAND_COLOURS = ("C00000", "FFC000", "70AD47", "A5A5A5")  # under 75, 75 to 84, 85 and over, NC
WOMEN = ("Part de femmes (pondérée par l'effectif)", "Part de femmes parmi les cadres (pondérée)")
RECEIVED = "Réponses reçues"
EXCLUDED = "Valeurs exclues"
MEAN_SCORE = "Note moyenne à l'index"
WOMEN_IN = "Part de femmes — "  # followed by the office
GROUP_SHEETS = (("Par consultation", "Consultation"), ("Par année", "Année"))
RIGHT = Alignment(horizontal="right")  # « secret » where figures stand
INDENTED = Alignment(horizontal="left", indent=1)  # a note beside right-aligned figures


@dataclass
class Figures:
    """Every figure of the workbook by its cell (sheet, row label, column label), before writing,
    so that publication can hide them together (:func:`analyse.secrecy.protect`)."""

    cells: dict[CellId, Measure] = field(default_factory=dict)
    relations: list[list[CellId]] = field(default_factory=list)
    overview: list[Indicator] = field(default_factory=list)
    bands: list[str] = field(default_factory=list)
    excluded_scores: int = 0
    groups: dict[str, dict[str, list[Indicator]]] = field(default_factory=dict)
    group_excluded: dict[str, dict[str, int]] = field(default_factory=dict)
    structures: list[Record] = field(default_factory=list)  # one record each, territory-wide (:func:`distinct`)

    def __getitem__(self, cell: CellId) -> Measure:
        return self.cells[cell]


def write_territory_workbook(store: Store, path: Path, run_date: date, **options: Any) -> Path:
    """Write ``path`` (atomically): :func:`territory_workbook` saved."""
    return save_atomically(territory_workbook(store, run_date, **options), path)


def territory_workbook(store: Store, run_date: date, *, publication: bool = False,
                       egapro_checked: bool = False) -> Book:
    """The territory's workbook from every file version in ``store``, not yet saved.

    With ``egapro_checked``, the indicators add the share of structures
    whose declared index drew an Egapro warning.
    """
    versions = store.latest_versions(boxes=False)  # every record at once: no position on the page
    records = [v.record for v in versions]
    choices = store.choices()
    form = merged(versions_of(records, store.form))
    figures = compute(versions, store.form, choices, egapro_checked)
    if publication:
        figures.cells = protect(figures.cells, figures.relations)
    wb = Book()
    _overview(wb.active, records, figures, run_date, form, publication)
    if figures.bands:  # a version of the questionnaire asks the index
        _index(wb.create_sheet("Index"), figures, publication)
    _governance(wb.create_sheet("Gouvernance"), figures, form, publication)
    for sheet, title in GROUP_SHEETS:
        _groups(wb.create_sheet(sheet), sheet, title, figures, publication)
    if not publication:  # one row per structure: never in a workbook prepared for publication
        _structures(wb.create_sheet("Structures"), figures.structures, form, egapro_checked)
    return wb


def compute(versions: Sequence[StoredVersion], first: Form, choices: Choices, egapro: bool) -> Figures:
    """Every figure of the workbook, and the sums that tie them.

    With several versions of the questionnaire in the history, the figures
    they share are computed over every answer, and each version's own
    figures over its own answers, named with the version (``first``, the
    command line's form, comes first).
    """
    records = [v.record for v in versions]
    forms = versions_of(records, first)
    form = merged(forms)
    figures = Figures()
    cells, relations = figures.cells, figures.relations
    shared = shared_parts(forms)
    structures = figures.structures = distinct(records, choices)  # once: each distinct reads every record twice
    rows = indicators(structures, form, shared)
    commitments = len(form.commitments) + 1 if "commitments" in shared else 0
    figures.overview = rows[:len(rows) - commitments] + ([egapro_indicator(structures)] if egapro else []) \
        + rows[len(rows) - commitments:] + _own_indicators(records, forms, shared, choices)
    for label, value in scope(records, structures):
        cells[("Territoire", label)] = count(value)
    for indicator in figures.overview:
        cells[("Territoire", indicator.label)] = indicator.measure
        cells[("Territoire", indicator.label, "base")] = count(indicator.measure.base)
    scored = [f for f in forms if f.has_role("index_score")]
    if scored:
        answers = [r for r in records if r.form_id in {f.id for f in scored}]
        bands, figures.excluded_scores = score_distribution(_distinct(answers, figures, choices, len(records)),
                                                            scored[0])
        figures.bands = [label for label, _ in bands]
        for label, measure in bands:
            cells[("Index", label)] = measure
        mean_score = next(i.label for i in figures.overview if i.label.startswith(MEAN_SCORE))
        relations.append([("Index", label) for label, _ in bands[:-1]] + [("Territoire", mean_score, "base")])
    officers = form.table_of("officers")
    woman = next(c.label for c in officers.columns if c.id == officers.column_of("women"))
    for office, measures in officer_distribution(structures, form):
        row = [("Gouvernance", office, column.label) for column in officers.columns]
        cells.update(zip(row, measures))
        relations.append(row + [("Territoire", WOMEN_IN + office, "base")])
        relations.append([("Gouvernance", office, woman), ("Territoire", WOMEN_IN + office)])
    for sheet, title in GROUP_SHEETS:
        groups = (by_tender if title == "Consultation" else by_year)(versions)
        _group_figures(figures, sheet, groups, form, shared, choices, len(records))
    return figures


def _distinct(part: list[Record], figures: Figures, choices: Choices, everyone: int) -> list[Record]:
    """:func:`distinct` of ``part`` of the territory's ``everyone`` records: the territory's own
    structures when the part holds every record (one year, one consultation, one version)."""
    return figures.structures if len(part) == everyone else distinct(part, choices)


def versions_of(records: Sequence[Record], first: Form) -> list[Form]:
    """The versions of the questionnaire the records answer, ``first`` first."""
    ids = dict.fromkeys([first.id, *(record.form_id for record in records)])
    return [first, *(load(form_id) for form_id in ids if form_id != first.id)]


def _own_indicators(records: Sequence[Record], forms: list[Form], shared: list[str],
                    choices: Choices) -> list[Indicator]:
    """Each version's figures the others lack, over its own answers, named with its version."""
    if len(forms) < 2:
        return []
    result = []
    for form in forms:
        own = [part for part in figure_parts(form) if part not in shared]
        answers = [record for record in records if record.form_id == form.id]
        result += [replace(i, label=f"{i.label} (questionnaire {form.version})")
                   for i in indicators(distinct(answers, choices), form, own)[1:]]
    return result


SCOPE = (RECEIVED + " (fichiers, dernière version)",
         "Réponses rejetées (illisibles ou hors questionnaire)",
         "Réponses d'une structure non identifiée (ni SIRET valide ni nom sûr : hors des chiffres)",
         "Structures distinctes (par SIREN, sinon par nom ; réponse retenue)")


def scope(records: Sequence[Record], structures: Sequence[Record]) -> list[tuple[str, int]]:
    """The :data:`SCOPE` counts of ``records``, of which ``structures`` are the distinct structures."""
    counts = (len(records), sum(1 for r in records if r.rejected), unidentified(records), len(structures))
    return list(zip(SCOPE, counts))


def _group_figures(figures: Figures, sheet: str, groups: dict[str, list[StoredVersion]], form: Form,
                   parts: list[str], choices: Choices, everyone: int) -> None:
    """The figures of each group of ``groups`` (of the territory's ``everyone`` records)."""
    keys = figure_keys(form)
    figures.groups[sheet] = {}
    figures.group_excluded[sheet] = {}
    for name, versions in groups.items():
        records = [v.record for v in versions]
        structures = _distinct(records, figures, choices, everyone)
        figures.groups[sheet][name] = indicators(structures, form, parts)
        figures.cells[(sheet, name, RECEIVED)] = count(len(records))
        figures.group_excluded[sheet][name] = sum(len(usable(r, form).excluded & keys) for r in structures)
        for indicator in figures.groups[sheet][name]:
            figures.cells[(sheet, name, indicator.label)] = indicator.measure
    labels = [i.label for i in next(iter(figures.groups[sheet].values()), [])]
    received = [(sheet, name, RECEIVED) for name in groups] + [("Territoire", SCOPE[0])]
    figures.relations.append(received)
    for label in labels:  # the groups add up to the territory's figure (exactly when they share no structure)
        figures.relations.append([(sheet, name, label) for name in groups] + [("Territoire", label)])


def _structures(ws: Sheet, structures: list[Record], form: Form, egapro: bool) -> None:
    """Each distinct structure (:func:`distinct`) with its retained answer: declared index beside the published one."""
    put(ws, 1, 1, "Structures distinctes (réponse retenue de chacune)").font = TITLE
    put(ws, 2, 1, "Index publié : contrôle Egapro de la dernière exécution avec l'export du ministère."
                  if egapro else NOT_CHECKED)
    titles = ["Structure", "SIRET", "Consultation", DECLARED_INDEX] + ([PUBLISHED_INDEX] if egapro else []) \
        + ["Fichier retenu"]
    widths(ws, {1: 36, 2: 17, 3: 20, 4: 12} | ({5: 18, 6: 60} if egapro else {5: 60}))
    put_note(ws, 3, f"La réponse d'une structure est celle de sa dernière consultation ; dans une consultation, "
                    f"{LATEST_RULE}, sauf choix dans la feuille « {MULTIPLE_SHEET} » du classeur de la "
                    "consultation.", len(titles))
    header(ws, 4, titles)
    for row, record in enumerate(structures, start=5):
        values = record.fields(form)
        cells = [bidder(record), values.get(form.key_of("siret")), record.tender, declared_index(record, form)]
        put_row(ws, row, cells + ([published_index(record)] if egapro else []) + [record.file])
        ws.cell(row=row, column=4).alignment = WRAP  # « 120 (erreur, exclue) »
    fit_rows(ws, 5)
    ws.freeze_panes = "A5"
    printable(ws)


def year_of(version: StoredVersion) -> int:
    """The tender's year (in its name or reference, « VM-2026-014 »), else the year it was received."""
    return tender_year(version.record, version.received.year)


def by_tender(versions: Sequence[StoredVersion]) -> dict[str, list[StoredVersion]]:
    groups: dict[str, list[StoredVersion]] = defaultdict(list)
    for version in versions:
        groups[version.record.tender].append(version)
    return dict(sorted(groups.items()))


def by_year(versions: Sequence[StoredVersion]) -> dict[str, list[StoredVersion]]:
    groups: dict[str, list[StoredVersion]] = defaultdict(list)
    for version in versions:
        groups[str(year_of(version))].append(version)
    return dict(sorted(groups.items()))


def hidden(measure: Measure, publication: bool) -> bool:
    """Whether a figure reads « secret »: secret itself, or masked so that no secret can be recomputed."""
    return publication and (measure.secret or measure.masked)


def put_measure(ws: Sheet, row: int, column: int, measure: Measure, publication: bool) -> None:
    """A figure, or « secret » when publishing one that must be hidden."""
    if hidden(measure, publication):
        put(ws, row, column, SECRET).alignment = RIGHT
    else:
        put(ws, row, column, measure.value, number_format=FORMATS[measure.kind])


def chart_values(measure: Measure, publication: bool) -> float | None:
    """What a chart may draw: nothing for a secret figure (a text would be drawn as 0)."""
    return None if hidden(measure, publication) else measure.value


def _hidden_column(ws: Sheet, column: int, first_row: int, title: str, values: list[float | None]) -> None:
    put(ws, first_row - 1, column, title)
    for offset, value in enumerate(values):
        put(ws, first_row + offset, column, value)
    hide_column(ws, column)


def _bar(title: str, width: float = 18, height: float = 9, **options: Any) -> Chart:
    # hidden_data: the charts draw hidden columns of publishable values
    return Chart(title, width=width, height=height, hidden_data=True, **options)


# ---------------------------------------------------------------------------
# Territoire


def egapro_indicator(structures: Sequence[Record]) -> Indicator:
    """The share of distinct ``structures`` (:func:`distinct`) whose declared index drew an Egapro warning."""
    warned = sum(1 for r in structures
                 if any(f.rule.startswith(EGAPRO_RULE_PREFIX) and f.severity != "info" for f in r.findings))
    return Indicator("Structures dont l'index déclaré appelle une remarque Egapro", share(warned, len(structures)))


def _overview(ws: Sheet, records: list[Record], figures: Figures, run_date: date, form: Form,
              publication: bool) -> None:
    ws.title = "Territoire"
    put(ws, 1, 1, "Questionnaires égalité — synthèse du territoire").font = TITLE
    put(ws, 2, 1, f"Date de l'exécution : {french_date(run_date)} — toutes les campagnes enregistrées")
    put(ws, 4, 1, "Consultations")
    put(ws, 4, 2, len({r.tender for r in records}))
    for row, label in enumerate(SCOPE, start=5):
        put(ws, row, 1, label, wrap=True)
        put_measure(ws, row, 2, figures[("Territoire", label)], publication)
    put(ws, 9, 1, "Une valeur en erreur (note de 120, effectif négatif…) est exclue de tous les chiffres ; "
                  "la colonne « Valeurs exclues » dit combien.", wrap=True)
    if publication:
        put(ws, 3, 1, f"Version publiable : les chiffres calculés sur moins de {MIN_STRUCTURES} structures ou "
                       f"dont une structure pèse plus de {DOMINANCE:.0%} du total sont masqués (« secret »), ainsi "
                       "que d'autres chiffres choisis pour qu'aucun ne puisse être recalculé.",
            wrap=True).font = BOLD
    first = 11
    header(ws, first - 1, ["Indicateur", "Valeur", "Structures concernées", EXCLUDED])
    widths(ws, {1: 62, 2: 14, 3: 14, 4: 24})
    for row, indicator in enumerate(figures.overview, start=first):
        put(ws, row, 1, indicator.label, wrap=True)
        put_measure(ws, row, 2, figures[("Territoire", indicator.label)], publication)
        put_measure(ws, row, 3, figures[("Territoire", indicator.label, "base")], publication)
        put(ws, row, 4, excluded_note(indicator.measure.excluded) or None).alignment = INDENTED
    fit_rows(ws, 3)
    printable(ws)
    _commitments_chart(ws, figures, first, len(form.commitments), publication)


def _commitments_chart(ws: Sheet, figures: Figures, first: int, n: int, publication: bool) -> None:
    rows = figures.overview
    start = first + len(rows) - n
    _hidden_column(ws, 6, start, "Engagements (graphique)",
                   [chart_values(figures[("Territoire", i.label)], publication) for i in rows[-n:]])
    chart = _bar("Part des structures prenant chaque engagement", width=22, height=11, horizontal=True,
                 category_axis={"reverse": True},  # commitments in the order of the form, top down
                 value_axis={"num_format": "0%", "min": 0, "max": 1}, legend=False)
    chart.add_columns(ws, 6, 6, start, start + n - 1, (1, start, start + n - 1))
    ws.charts.append((f"A{start + n + 2}", chart))


# ---------------------------------------------------------------------------
# Index


def _band_colour(label: str, low: float) -> tuple[str, object]:
    if label.startswith("NC"):
        return BAND_COLOURS[3], None
    if low < SCORE_THRESHOLDS[0]:
        return BAND_COLOURS[0], RED_FILL
    if low < SCORE_THRESHOLDS[1]:
        return BAND_COLOURS[1], ORANGE_FILL
    return BAND_COLOURS[2], GREEN_FILL


def _index(ws: Sheet, figures: Figures, publication: bool) -> None:
    put(ws, 1, 1, "Notes à l'index de l'égalité professionnelle (structures distinctes)").font = TITLE
    put(ws, 2, 1, f"Seuils légaux : sous {SCORE_THRESHOLDS[0]}, mesures de correction obligatoires (rouge) ; "
                  f"sous {SCORE_THRESHOLDS[1]}, objectifs de progression à publier (orange).")
    put(ws, 3, 1, f"Notes en erreur (hors de 0 à 100…) : {excluded_note(figures.excluded_scores)}, "
                  "comptée(s) dans aucune tranche." if figures.excluded_scores else "Aucune note en erreur.")
    header(ws, 4, ["Note", "Structures"])
    distribution = [(label, figures[("Index", label)]) for label in figures.bands]
    lows = [low for _, low, _ in score_bands()] + [-1.0]
    colours = []
    for row, ((label, measure), low) in enumerate(zip(distribution, lows), start=5):
        colour, fill = _band_colour(label, low)
        colours.append(colour)
        cell = put(ws, row, 1, label)
        if fill:
            cell.fill = fill
        put_measure(ws, row, 2, measure, publication)
    last = 4 + len(distribution)
    _hidden_column(ws, 4, 5, "Structures (graphique)", [chart_values(m, publication) for _, m in distribution])
    highest = max((m.value or 0 for _, m in distribution), default=0)
    chart = _bar(f"Répartition des notes (seuils {SCORE_THRESHOLDS[0]} et {SCORE_THRESHOLDS[1]})", width=20,
                 value_axis={"name": "Structures",
                             "major_unit": max(1, math.ceil(highest / 10))},  # whole structures, not 0.2 of one
                 legend=False)
    chart.add_columns(ws, 4, 4, 5, last, (1, 5, last), colours=colours)
    ws.charts.append(("F4", chart))
    widths(ws, {1: 26, 2: 12})
    printable(ws)


# ---------------------------------------------------------------------------
# Gouvernance


def _governance(ws: Sheet, figures: Figures, form: Form, publication: bool) -> None:
    table = form.table_of("officers")
    put(ws, 1, 1, f"{table.title} (structures distinctes)").font = TITLE
    header(ws, 3, ["Poste"] + [column.label for column in table.columns])
    for row, office in enumerate(table.rows, start=4):
        put(ws, row, 1, office.label)
        for column, axis in enumerate(table.columns, start=2):
            put_measure(ws, row, column, figures[("Gouvernance", office.label, axis.label)], publication)
    widths(ws, {1: 20} | {i: 16 for i in range(2, len(table.columns) + 2)})
    fit_rows(ws)
    printable(ws)


# ---------------------------------------------------------------------------
# Par consultation / Par année


def _groups(ws: Sheet, sheet: str, title: str, figures: Figures, publication: bool) -> None:
    put(ws, 1, 1, f"Indicateurs par {title.lower()} (structures distinctes dans chaque groupe)").font = TITLE
    rows = figures.groups[sheet]
    labels = [i.label for i in next(iter(rows.values()), [])]
    header(ws, 3, [title, RECEIVED] + labels + [EXCLUDED])
    widths(ws, {1: 28} | {i: 13 for i in range(2, len(labels) + 3)} | {len(labels) + 3: 22})
    for row, name in enumerate(rows, start=4):
        put(ws, row, 1, name)
        put_measure(ws, row, 2, figures[(sheet, name, RECEIVED)], publication)
        for column, label in enumerate(labels, start=3):
            put_measure(ws, row, column, figures[(sheet, name, label)], publication)
        put(ws, row, len(labels) + 3, excluded_note(figures.group_excluded[sheet][name]) or None)
    fit_rows(ws, 3)
    printable(ws, fit_width=False)
    ws.freeze_panes = "B4"
    if rows:
        _women_chart(ws, sheet, title, figures, labels, publication)


def _women_chart(ws: Sheet, sheet: str, title: str, figures: Figures, labels: list[str],
                 publication: bool) -> None:
    """Share of women, overall and among managers, for each group."""
    names = list(figures.groups[sheet])
    hidden_column = len(labels) + 5
    last = 3 + len(names)
    for offset, label in enumerate(WOMEN):
        _hidden_column(ws, hidden_column + offset, 4, label,
                       [chart_values(figures[(sheet, name, label)], publication) for name in names])
    chart = _bar(f"Part de femmes par {title.lower()}, ensemble et parmi les cadres",
                 width=min(40.0, max(18.0, 2.5 * len(names))), value_axis={"num_format": "0%", "min": 0, "max": 1})
    chart.add_columns(ws, hidden_column, hidden_column + 1, 3, last, (1, 4, last), titled=True)
    ws.charts.append((f"A{last + 3}", chart))
