"""The territory-wide workbook, built from the whole history store.

Every campaign and year in the store counts; a structure that answered
several tenders counts once, by SIRET, with its latest answer. Sheets:
« Territoire » (scope and indicators, commitments chart), « Index »
(distribution of scores with the legal thresholds 75 and 85),
« Gouvernance » (officers' gender), « Par consultation » and « Par année »
(the same indicators per group, with charts). With ``publication``, every
figure built on fewer than 3 structures reads « secret » and is left out of
the charts (French statistical secrecy).
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analyse.egapro import tender_year
from analyse.excel import (BOLD, GREEN_FILL, ORANGE_FILL, PERCENT_FORMAT, RED_FILL, TITLE,
                           fit_rows, french_date, header, printable, put, put_row,
                           save_atomically, widths)
from analyse.indicators import (SCORE_THRESHOLDS, Indicator, Measure, count, distinct, indicators,
                                officer_distribution, score_bands, score_distribution, share)
from analyse.store import Store, StoredVersion
from analyse.egapro import NOT_CHECKED
from analyse.workbook_tender import DECLARED_INDEX, EGAPRO_RULE_PREFIX, PUBLISHED_INDEX, bidder, published_index
from questionnaire.definition import Form
from questionnaire.record import Record

SECRET = "secret"
FORMATS = {"share": PERCENT_FORMAT, "count": "0", "score": "0.0"}
BAND_COLOURS = ("C00000", "FFC000", "70AD47", "A5A5A5")  # under 75, 75 to 84, 85 and over, NC
WOMEN = ("Part de femmes (pondérée par l'effectif)", "Part de femmes parmi les cadres (pondérée)")


def write_territory_workbook(store: Store, path: Path, run_date: date, *, publication: bool = False,
                             egapro_checked: bool = False) -> Path:
    """Write ``path`` (atomically) from every file version in ``store``.

    With ``egapro_checked``, the indicators add the share of structures
    whose declared index drew an Egapro warning.
    """
    versions = store.latest_versions()
    records = [v.record for v in versions]
    wb = Workbook()
    _overview(wb.active, versions, run_date, store.form, publication, egapro_checked)
    _index(wb.create_sheet("Index"), records, publication)
    _governance(wb.create_sheet("Gouvernance"), records, store.form, publication)
    _groups(wb.create_sheet("Par consultation"), "Consultation", by_tender(versions), store.form, publication)
    _groups(wb.create_sheet("Par année"), "Année", by_year(versions), store.form, publication)
    if not publication:  # one row per structure: never in a workbook prepared for publication
        _structures(wb.create_sheet("Structures"), records, store.form, egapro_checked)
    return save_atomically(wb, path)


def _structures(ws: Worksheet, records: list[Record], form: Form, egapro: bool) -> None:
    """Each distinct structure with its latest answer: declared index beside the published one."""
    put(ws, 1, 1, "Structures distinctes (dernière réponse de chacune)").font = TITLE
    put(ws, 2, 1, "Index publié : contrôle Egapro de la dernière exécution avec l'export du ministère."
                  if egapro else NOT_CHECKED)
    titles = ["Structure", "SIRET", "Consultation", DECLARED_INDEX] + ([PUBLISHED_INDEX] if egapro else [])
    header(ws, 4, titles)
    for row, record in enumerate(distinct(records), start=5):
        values = record.fields(form)
        cells = [bidder(record), values.get("siret"), record.tender, values.get("equality_index.score")]
        put_row(ws, row, cells + ([published_index(record)] if egapro else []))
    widths(ws, {1: 36, 2: 17, 3: 20, 4: 12, 5: 18})
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


def put_measure(ws: Worksheet, row: int, column: int, measure: Measure, publication: bool) -> None:
    """A figure, or « secret » when publishing one built on 1 or 2 structures."""
    if publication and measure.secret:
        put(ws, row, column, SECRET)
    else:
        put(ws, row, column, measure.value, number_format=FORMATS[measure.kind])


def chart_values(measure: Measure, publication: bool) -> float | None:
    """What a chart may draw: nothing for a secret figure (a text would be drawn as 0)."""
    return None if publication and measure.secret else measure.value


def _hidden_column(ws: Worksheet, column: int, first_row: int, title: str, values: list[float | None]) -> None:
    put(ws, first_row - 1, column, title)
    for offset, value in enumerate(values):
        put(ws, first_row + offset, column, value)
    ws.column_dimensions[get_column_letter(column)].hidden = True


def _bar(title: str, width: float = 18, height: float = 9) -> BarChart:
    chart = BarChart()
    chart.title = title
    chart.width, chart.height = width, height
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.visible_cells_only = False  # the charts draw hidden columns of publishable values
    return chart


# ---------------------------------------------------------------------------
# Territoire


def egapro_indicator(records: Sequence[Record]) -> Indicator:
    structures = distinct(records)
    warned = sum(1 for r in structures
                 if any(f.rule.startswith(EGAPRO_RULE_PREFIX) and f.severity != "info" for f in r.findings))
    return Indicator("Structures dont l'index déclaré appelle une remarque Egapro", share(warned, len(structures)))


def _overview(ws: Worksheet, versions: list[StoredVersion], run_date: date, form: Form, publication: bool,
              egapro: bool) -> None:
    ws.title = "Territoire"
    records = [v.record for v in versions]
    put(ws, 1, 1, "Questionnaires égalité — synthèse du territoire").font = TITLE
    put(ws, 2, 1, f"Date de l'exécution : {french_date(run_date)} — toutes les campagnes enregistrées")
    put(ws, 4, 1, "Consultations")
    put(ws, 4, 2, len({r.tender for r in records}))
    scope = [
        ("Réponses reçues (fichiers, dernière version)", len(records)),
        ("Réponses rejetées (illisibles ou hors questionnaire)", sum(1 for r in records if r.rejected)),
        ("Structures distinctes (par SIRET, dernière réponse)", len(distinct(records))),
    ]
    for row, (label, value) in enumerate(scope, start=5):
        put(ws, row, 1, label)
        put_measure(ws, row, 2, count(value), publication)
    if publication:
        put(ws, 8, 1, "Version publiable : les chiffres calculés sur moins de 3 structures sont masqués "
                      "(« secret »).").font = BOLD
    first = 11
    header(ws, first - 1, ["Indicateur", "Valeur", "Structures concernées"])
    widths(ws, {1: 62, 2: 14, 3: 14})
    rows = indicators(records, form)
    listed = rows[:-len(form.commitments)] + ([egapro_indicator(records)] if egapro else []) \
        + rows[-len(form.commitments):]
    for row, indicator in enumerate(listed, start=first):
        put(ws, row, 1, indicator.label, wrap=True)
        put_measure(ws, row, 2, indicator.measure, publication)
        put_measure(ws, row, 3, count(indicator.measure.base), publication)
    fit_rows(ws, first - 1)
    printable(ws)
    _commitments_chart(ws, listed, first, len(form.commitments), publication)


def _commitments_chart(ws: Worksheet, rows: list[Indicator], first: int, n: int, publication: bool) -> None:
    start = first + len(rows) - n
    _hidden_column(ws, 6, start, "Engagements (graphique)",
                   [chart_values(i.measure, publication) for i in rows[-n:]])
    chart = _bar("Part des structures prenant chaque engagement", width=22, height=11)
    chart.type = "bar"
    chart.x_axis.scaling.orientation = "maxMin"  # commitments in the order of the form, top down
    chart.add_data(Reference(ws, min_col=6, min_row=start, max_row=start + n - 1))
    chart.set_categories(Reference(ws, min_col=1, min_row=start, max_row=start + n - 1))
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.legend = None
    ws.add_chart(chart, f"A{start + n + 2}")


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


def _index(ws: Worksheet, records: list[Record], publication: bool) -> None:
    put(ws, 1, 1, "Notes à l'index de l'égalité professionnelle (structures distinctes)").font = TITLE
    put(ws, 2, 1, f"Seuils légaux : sous {SCORE_THRESHOLDS[0]}, mesures de correction obligatoires (rouge) ; "
                  f"sous {SCORE_THRESHOLDS[1]}, objectifs de progression à publier (orange).")
    header(ws, 4, ["Note", "Structures"])
    distribution = score_distribution(records)
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
    chart = _bar(f"Répartition des notes (seuils {SCORE_THRESHOLDS[0]} et {SCORE_THRESHOLDS[1]})", width=20)
    chart.add_data(Reference(ws, min_col=4, min_row=5, max_row=last))
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=last))
    chart.legend = None
    chart.y_axis.title = "Structures"
    highest = max((m.value or 0 for _, m in distribution), default=0)
    chart.y_axis.majorUnit = max(1, math.ceil(highest / 10))  # whole structures, not 0.2 of one
    series = chart.series[0]
    for index, colour in enumerate(colours):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = colour
        series.dPt.append(point)
    ws.add_chart(chart, "F4")
    widths(ws, {1: 26, 2: 12})
    printable(ws)


# ---------------------------------------------------------------------------
# Gouvernance


def _governance(ws: Worksheet, records: list[Record], form: Form, publication: bool) -> None:
    table = form.tables["officers"]
    put(ws, 1, 1, f"{table.title} (structures distinctes)").font = TITLE
    header(ws, 3, ["Poste"] + [column.label for column in table.columns])
    for row, (office, measures) in enumerate(officer_distribution(records, form), start=4):
        put(ws, row, 1, office)
        for column, measure in enumerate(measures, start=2):
            put_measure(ws, row, column, measure, publication)
    widths(ws, {1: 20} | {i: 16 for i in range(2, len(table.columns) + 2)})
    fit_rows(ws)
    printable(ws)


# ---------------------------------------------------------------------------
# Par consultation / Par année


def _groups(ws: Worksheet, title: str, groups: dict[str, list[StoredVersion]], form: Form,
            publication: bool) -> None:
    put(ws, 1, 1, f"Indicateurs par {title.lower()} (structures distinctes dans chaque groupe)").font = TITLE
    rows = {name: indicators([v.record for v in versions], form) for name, versions in groups.items()}
    labels = [i.label for i in next(iter(rows.values()), [])]
    header(ws, 3, [title, "Réponses reçues"] + labels)
    widths(ws, {1: 28} | {i: 13 for i in range(2, len(labels) + 3)})
    for row, (name, values) in enumerate(rows.items(), start=4):
        put(ws, row, 1, name)
        put_measure(ws, row, 2, count(len(groups[name])), publication)
        for column, indicator in enumerate(values, start=3):
            put_measure(ws, row, column, indicator.measure, publication)
    fit_rows(ws, 3)
    printable(ws, fit_width=False)
    ws.freeze_panes = "B4"
    if rows:
        _women_chart(ws, title, rows, labels, publication)


def _women_chart(ws: Worksheet, title: str, rows: dict[str, list[Indicator]], labels: list[str],
                 publication: bool) -> None:
    """Share of women, overall and among managers, for each group."""
    hidden = len(labels) + 4
    last = 3 + len(rows)
    for offset, label in enumerate(WOMEN):
        position = labels.index(label)
        _hidden_column(ws, hidden + offset, 4, label,
                       [chart_values(values[position].measure, publication) for values in rows.values()])
    chart = _bar(f"Part de femmes par {title.lower()}, ensemble et parmi les cadres",
                 width=min(40.0, max(18.0, 2.5 * len(rows))))
    chart.add_data(Reference(ws, min_col=hidden, max_col=hidden + 1, min_row=3, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=last))
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    ws.add_chart(chart, f"A{last + 3}")
