"""The workbook of one tender: what each bidder answered, what to check, what to fix.

Sheets: « Synthèse » (one row per bidder, charts, low scores and errors
coloured, the consultation's means with values in error left out),
« Réponses multiples » (structures that answered more than once, and the
« Réponse retenue » the officer may change), « Réponses » (every canonical field, an Excel table),
« Engagements » (bidder × commitment) and « Détails des engagements », « Constats »
(validation findings), « À vérifier » (doubtful fields, with the picture of
the zone and an empty « Valeur corrigée » column) and « Fichiers sources ».
The officer may type over the answers or in « Valeur corrigée »: the next
run reads those cells back (:mod:`analyse.corrections`), by the sheet and
column names of :mod:`analyse.excel`.
"""
from __future__ import annotations

import os
from io import BytesIO
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

from analyse.corrections import RULE_REFUSED
from analyse.egapro import NOT_CHECKED
from analyse.excel import (BLUE_FILL, BOLD, GREEN_FILL, LINK_FONT, ORANGE_FILL, PERCENT_FORMAT, RED_FILL, TITLE,
                           Book, Cell, Chart, Sheet, Validation, choice_validation, column_letter, decision_validation,
                           field_validation, fit_row, fit_rows, header, hide_column, picture, printable, put,
                           put_note, put_row, save_atomically, typed_format, widths)
from analyse.sheets import (ANSWERS_SHEET, CORRECTED_HEADER, DECISION_HEADER, FILE_HEADER, KEY_HEADER,
                            LABEL_HEADER, MULTIPLE_SHEET, READ_HEADER, RETAINED_HEADER, RETAINED_WRITTEN_HEADER,
                            REVIEW_SHEET, SHA_HEADER, STRUCTURE_KEY_HEADER, TENDER_HEADER, french_date)
from analyse.indicators import (LATEST_RULE, SCORE_THRESHOLDS, UNIDENTIFIED, Answer, Choices,
                                answer_groups, commitments_taken, excluded_note, field_value, figure_keys, headcount,
                                mean, mean_percentage, mean_score, mean_women, numeric_score, retained, share_true,
                                usable, women_share)
from questionnaire.definition import Form, merged
from questionnaire.types import answer_cell, show as show_value, type_of
from questionnaire.record import (PAGE_PICTURE_DPI, SOURCE_CORRECTION, Reading, Record, outlined_picture,
                                  page_picture)

if TYPE_CHECKING:
    from PIL.Image import Image

SUMMARY_SHEET = "Synthèse"
COMMITMENTS_SHEET = "Engagements"
DETAILS_SHEET = "Détails des engagements"
FINDINGS_SHEET = "Constats"
SOURCES_SHEET = "Fichiers sources"
MEANS_LABEL = "Moyenne des structures (une réponse retenue par structure, valeurs en erreur exclues)"
IN_ERROR = " (erreur, exclue)"
COUNTED = f"Réponse comptée (voir « {MULTIPLE_SHEET} »)"  # shown here, chosen in that sheet

STATUS_LABELS = {"ok": "OK", "review": "À vérifier", "rejected": "Rejeté"}
SEVERITY_LABELS = {"error": "erreur", "warning": "avertissement", "info": "information"}
SEVERITY_FILLS = {"error": RED_FILL, "warning": ORANGE_FILL}
EGAPRO_RULE_PREFIX = "egapro"
DECLARED_INDEX = "Index déclaré"
SCORE_CHART = "Note (graphique)"
WOMEN_SHARE = "Part de femmes"
PUBLISHED_INDEX = "Index publié (Egapro)"
IMAGE_WIDTH = 640  # pixels: a zone's picture wider than this is wrapped in the review sheet, never shrunk
PIECE_HEIGHT = 520  # pixels: a row is at most 409 points (545 pixels) tall
DECISION_COLUMN = 11  # « Décision », then « Valeur corrigée »
TABLE_HEAD = 7  # row of the summary's header


def write_tender_workbook(records: list[Record], tender: str, path: Path, run_date: date, **options: Any) -> Path:
    """Write ``path`` (atomically): :func:`tender_workbook` saved."""
    return save_atomically(tender_workbook(records, tender, path, run_date, **options), path)


def tender_workbook(records: list[Record], tender: str, path: Path, run_date: date, *,
                    publication: bool = False, egapro_checked: bool = False,
                    output: Path | None = None, inbox: Path | None = None, form: Form,
                    choices: Choices | None = None) -> Book:
    """The workbook of ``path`` for the ``records`` of ``tender`` (oldest received first), not yet saved.

    ``output`` is the folder the zone pictures (``reading.crop``) are
    relative to; by default the parent of the tender's folder. ``inbox``
    is the folder the files were read from: the review sheet links to them.
    ``choices`` are the answers the officer retained (:meth:`analyse.store.Store.choices`).
    ``form`` is the command line's: the workbook shows the questions of every version its records answer.
    """
    form = merged([form, *(record.form for record in records)])  # each version's questions
    kept = retained(records, choices)
    groups = {key: answers for key, answers in answer_groups(records).items() if len(answers) > 1}
    records = sorted(records, key=lambda r: (r.rejected, bidder(r).casefold(), r.file))
    facts = _Facts(form)
    wb = Book()
    _summary(wb.active, records, kept, tender, run_date, facts, publication=publication, egapro=egapro_checked)
    _multiple(wb.create_sheet(MULTIPLE_SHEET), groups, kept, facts)
    _answers(wb.create_sheet(ANSWERS_SHEET), records, tender, facts)
    _commitments(wb.create_sheet(COMMITMENTS_SHEET), records, facts)
    _commitment_details(wb.create_sheet(DETAILS_SHEET), records, facts)
    _findings(wb.create_sheet(FINDINGS_SHEET), records, form)
    _review(wb.create_sheet(REVIEW_SHEET), records, tender, form,
            _Places(path.parent, output or path.parent.parent, inbox))
    _sources(wb.create_sheet(SOURCES_SHEET), records, tender, facts)
    return wb


class _Facts:
    """Each record's values, usable answer and status for the workbook's ``form``, made once for all
    its sheets (which asked for them about five times a record: a dict of the form's forty-odd
    fields, or a scan of them, each time). The records are not changed while a workbook is built."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self._made: dict[tuple[str, int], Any] = {}  # (what, the record's id) -> it

    def values(self, record: Record) -> dict[str, Any]:
        return self._once("values", record, lambda: record.fields(self.form))

    def answer(self, record: Record) -> Answer:
        return self._once("answer", record, lambda: usable(record, self.form, self.values(record)))

    def status(self, record: Record) -> str:
        return self._once("status", record, lambda: record.status)

    def _once(self, what: str, record: Record, make: Callable[[], Any]) -> Any:
        key = (what, id(record))
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = make()
        return found


def bidder(record: Record) -> str:
    """The structure's name, or the file's name when the form gives none."""
    key = record.form.key_of("structure_name")
    name = field_value(record, key)
    return str(name) if name else f"({Path(record.file).name})"


# ---------------------------------------------------------------------------
# Synthèse


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    value: Callable[[Record, Answer], Any]
    number_format: str | None = None
    mean: Callable[[list[Answer]], Any] | None = None  # the consultation's figure, for the means row
    role: str | None = None  # shown when the form has a field or table of this role




def _yes_no(value: Any) -> str | None:
    return None if value is None else ("Oui" if value else "Non")


def _pct(value: Any) -> float | None:
    return value / 100 if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _count_findings(record: Record, severity: str) -> int:
    return sum(1 for f in record.findings if f.severity == severity) + (severity == "error" and record.rejected)


def _egapro(record: Record) -> str:
    messages = [f.message for f in record.findings if f.rule.startswith(EGAPRO_RULE_PREFIX)]
    return " ; ".join(messages) or ("" if record.rejected else "Aucune remarque")


def published_index(record: Record) -> str | None:
    """The score the ministry published for the bidder, with its year (Egapro cross-check)."""
    if record.rejected:
        return None
    published = record.published_index
    if not published:
        return "non trouvé"
    score = published["score"] if published["score"] is not None else "sans note"
    return f"{score} ({published['year']})"


def _kept_or_error(form: Form, key: str, show: Callable[[Any], Any]) -> Callable[[Record, Answer], Any]:
    """A field's value as a figure, or as written with « (erreur, exclue) » when it has an error."""
    def value(record: Record, answer: Answer) -> Any:
        if key in answer.excluded:
            return show_value(form.field(key), record.fields(form)[key], form) + IN_ERROR
        return show(answer.values.get(key))
    return value


def declared_index(record: Record, form: Form, answer: Answer | None = None) -> Any:
    """The index as declared, with « (erreur, exclue) » when it has an error (left out of the figures);
    ``answer``: the record's :func:`usable` values when the caller has them already."""
    return _kept_or_error(form, form.key_of("index_score"), lambda v: v)(
        record, usable(record, form) if answer is None else answer)


def summary_columns(form: Form, egapro: bool, counted: Callable[[Record], str | None] = lambda r: None,
                    status: Callable[[Record], str] = lambda r: r.status) -> list[Column]:
    """The summary's columns; ``counted`` says whether an answer counts in the figures, where it is a question
    (a structure that answered more than once, an answer from a structure not identified); ``status``
    gives a record's status (:attr:`Record.status`)."""
    staff = form.table_of("head_count")
    managers = staff.row_of("managers") if staff else None
    board, board_women, siret = form.key_of("board"), form.key_of("board_women_share"), form.key_of("siret")
    columns = [
        Column("Structure", 32, lambda r, a: bidder(r)),
        Column("SIRET", 17, lambda r, a: field_value(r, siret), role="siret"),
        Column("Effectif total", 10, lambda r, a: headcount(a.values, form),
               mean=lambda answers: mean([n for a in answers if (n := headcount(a.values, form)) is not None],
                                         "count").value, role="head_count"),
        Column(WOMEN_SHARE, 10, lambda r, a: women_share(a.values, form), PERCENT_FORMAT,
               mean=lambda answers: mean_women(answers, None, form).value, role="head_count"),
        Column("Part de femmes parmi les cadres", 12, lambda r, a: women_share(a.values, form, managers),
               PERCENT_FORMAT, mean=lambda answers: mean_women(answers, managers, form).value, role="head_count"),
        Column(DECLARED_INDEX, 10, lambda r, a: declared_index(r, form, a),
               mean=lambda answers: mean_score(answers, form).value, role="index_score"),
        Column("Conseil d'administration", 13, lambda r, a: _yes_no(a.values.get(board)), PERCENT_FORMAT,
               mean=lambda answers: share_true(answers, board).value, role="board"),
        Column("Part de femmes au CA", 10, _kept_or_error(form, board_women, _pct), PERCENT_FORMAT,
               mean=lambda answers: mean_percentage(answers, board_women).value, role="board_women_share"),
        Column(f"Engagements (sur {len(form.commitments)})", 12,
               lambda r, a: None if r.rejected else commitments_taken(a.values, form), "0.0",
               mean=lambda answers: mean([float(n) for a in answers
                                          if (n := commitments_taken(a.values, form)) is not None]).value),
        Column(COUNTED, 14, lambda r, a: counted(r)),
        Column("Statut", 11, lambda r, a: STATUS_LABELS[status(r)]),
        Column("Erreurs", 8, lambda r, a: _count_findings(r, "error")),
        Column("Avertissements", 15, lambda r, a: _count_findings(r, "warning")),
        Column("Champs à vérifier", 10, lambda r, a: 0 if r.rejected else len(r.review(form))),
        Column(FILE_HEADER, 30, lambda r, a: r.file),
    ]
    columns = [column for column in columns if column.role is None or form.has_role(column.role)]
    if not form.has_role("index_score"):
        return columns
    if egapro:
        position = [c.title for c in columns].index(DECLARED_INDEX) + 1
        columns.insert(position, Column(PUBLISHED_INDEX, 12, lambda r, a: published_index(r)))
        columns.append(Column("Contrôle Egapro", 50, lambda r, a: _egapro(r)))
    # For the chart: the score as a number only (NC would be drawn as 0, a score in error is left out).
    columns.append(Column(SCORE_CHART, 8, lambda r, a: numeric_score(a.values, form)))
    return columns


def _summary(ws: Sheet, records: list[Record], kept: list[Record], tender: str, run_date: date, facts: _Facts,
             *, publication: bool, egapro: bool) -> None:
    ws.title = SUMMARY_SHEET
    form = facts.form
    _summary_heading(ws, records, tender, run_date, facts, publication, egapro)
    groups = answer_groups(records)
    several = {id(r) for answers in groups.values() if len(answers) > 1 for r in answers}
    identified = {id(r) for answers in groups.values() for r in answers}
    kept_ids = {id(r) for r in kept}

    def counted(record: Record) -> str | None:
        if id(record) in several:
            return "Oui" if id(record) in kept_ids else "Non"
        return f"Non ({UNIDENTIFIED})" if not record.rejected and id(record) not in identified else None

    columns = summary_columns(form, egapro, counted, facts.status)
    header(ws, TABLE_HEAD, [c.title for c in columns])
    widths(ws, {i: c.width for i, c in enumerate(columns, start=1)})
    for row, record in enumerate(records, start=TABLE_HEAD + 1):
        answer = facts.answer(record)
        for index, column in enumerate(columns, start=1):
            value = column.value(record, answer)
            in_error = isinstance(value, str) and value.endswith(IN_ERROR)
            cell = put(ws, row, index, value, number_format=column.number_format,
                       wrap=column.width >= 30 or in_error or column.title == COUNTED)
            if column.title == COUNTED and isinstance(cell.value, str) and cell.value.startswith("Non"):
                cell.fill = ORANGE_FILL
    titles = [c.title for c in columns]
    if SCORE_CHART in titles:
        hide_column(ws, titles.index(SCORE_CHART) + 1)
    ws.freeze_panes = f"B{TABLE_HEAD + 1}"
    _means(ws, TABLE_HEAD + len(records) + 2, columns, kept, facts)
    fit_rows(ws, TABLE_HEAD)
    printable(ws)
    if records:
        _summary_colours(ws, len(records), titles)
    answered = sum(1 for r in records if not r.rejected)  # sorted first; the charts leave out rejected files
    if answered:
        _summary_charts(ws, answered, len(records), titles)


def _means(ws: Sheet, row: int, columns: list[Column], kept: list[Record], facts: _Facts) -> None:
    """The consultation's means, and how many values in error they leave out (« 1 valeur exclue (erreur) »)."""
    form = facts.form
    answers = [facts.answer(record) for record in kept]
    put(ws, row, 1, MEANS_LABEL, wrap=True).font = BOLD
    for index, column in enumerate(columns, start=1):
        if column.mean is not None:
            put(ws, row, index, column.mean(answers), number_format=column.number_format).font = BOLD
    keys = figure_keys(form)
    left_out = [f"{form.field(key).label} de {bidder(record)}"
                for record, answer in zip(kept, answers) for key in sorted(answer.excluded & keys)]
    note = excluded_note(len(left_out))
    put(ws, row + 1, 1, f"{note} : {' ; '.join(left_out)}." if note
        else "Aucune valeur en erreur : toutes les valeurs sont comptées.")


def _summary_heading(ws: Sheet, records: list[Record], tender: str, run_date: date, facts: _Facts,
                     publication: bool, egapro: bool) -> None:
    form = facts.form
    put(ws, 1, 1, f"Questionnaires égalité — consultation {tender}").font = TITLE
    put(ws, 2, 1, f"Date de l'exécution : {french_date(run_date)}")
    reference = form.key_of("tender_ref")
    references = sorted({str(ref) for r in records if (ref := field_value(r, reference))})
    put(ws, 3, 1, "Référence indiquée sur les questionnaires : " + (" ; ".join(references) or "aucune"))
    rejected = sum(1 for r in records if r.rejected)
    review = sum(1 for r in records if facts.status(r) == "review")
    colours = (f" Notes index : rouge sous {SCORE_THRESHOLDS[0]}, orange sous {SCORE_THRESHOLDS[1]}."
               if form.has_role("index_score") else "")
    put(ws, 4, 1, f"{len(records)} fichier(s) reçu(s), dont {rejected} rejeté(s) et {review} à vérifier.{colours}")
    if not egapro:
        put(ws, 5 + publication, 1, NOT_CHECKED)
    if publication:
        put(ws, 5, 1, "Document interne : données par structure, à ne pas publier "
                      "(seule la synthèse territoriale est préparée pour publication).").font = BOLD


def _summary_colours(ws: Sheet, count: int, titles: list[str]) -> None:
    """Scores under 75 red, under 85 orange; rejected files and errors red."""
    first, last = TABLE_HEAD + 1, TABLE_HEAD + count

    def column(title: str) -> str:
        return column_letter(titles.index(title) + 1)

    status, errors = column("Statut"), column("Erreurs")
    low, high = SCORE_THRESHOLDS
    rules = []
    if DECLARED_INDEX in titles:
        score = column(DECLARED_INDEX)
        rules += [
            (score, f"AND(ISNUMBER({score}{first}),{score}{first}<{low})", RED_FILL),
            (score, f"AND(ISNUMBER({score}{first}),{score}{first}>={low},{score}{first}<{high})", ORANGE_FILL),
            (score, f"AND(ISNUMBER({score}{first}),{score}{first}>={high})", GREEN_FILL),
        ]
    rules += [
        (status, f'{status}{first}="{STATUS_LABELS["rejected"]}"', RED_FILL),
        (status, f'{status}{first}="{STATUS_LABELS["review"]}"', ORANGE_FILL),
        (errors, f"AND(ISNUMBER({errors}{first}),{errors}{first}>0)", RED_FILL),
    ]
    for letter, formula, fill in rules:
        ws.conditional.append((f"{letter}{first}:{letter}{last}", formula, fill))


def _summary_charts(ws: Sheet, count: int, rows: int, titles: list[str]) -> None:
    first, last = TABLE_HEAD + 1, TABLE_HEAD + count
    below = TABLE_HEAD + rows + 2  # under the means row and its note
    names = (1, first, last)
    size = min(40.0, max(16.0, 2.2 * count))

    if WOMEN_SHARE in titles:
        shares = Chart("Part de femmes, ensemble et parmi les cadres", width=size, height=8,
                       value_axis={"num_format": "0%", "min": 0, "max": 1})
        start = titles.index(WOMEN_SHARE) + 1
        shares.add_columns(ws, start, start + 1, TABLE_HEAD, last, names, titled=True)
        ws.charts.append((f"A{below + 3}", shares))
    if SCORE_CHART not in titles:
        return
    scores = Chart(f"Note à l'index égalité (seuils {SCORE_THRESHOLDS[0]} et {SCORE_THRESHOLDS[1]})",
                   width=size, height=8, value_axis={"min": 0, "max": 100}, legend=False,
                   hidden_data=True)  # its data is the hidden numeric score column
    chart_column = titles.index(SCORE_CHART) + 1
    scores.add_columns(ws, chart_column, chart_column, first, last, names)
    ws.charts.append((f"A{below + 20}", scores))


# ---------------------------------------------------------------------------
# Réponses multiples

MULTIPLE_TITLES = ["Structure", "SIRET", FILE_HEADER, DECLARED_INDEX, "Effectif total", "Statut",
                   RETAINED_HEADER, TENDER_HEADER, SHA_HEADER, RETAINED_WRITTEN_HEADER, STRUCTURE_KEY_HEADER]

MULTIPLE_WRAPPED = frozenset({1, 3, 4})  # columns of MULTIPLE_TITLES


def _multiple(ws: Sheet, groups: dict[tuple[str, str], list[Record]], kept: list[Record], facts: _Facts) -> None:
    """Structures that answered more than once: which answer counts, and the column to change it."""
    form = facts.form
    put(ws, 1, 1, "Structures ayant répondu plusieurs fois à la consultation").font = TITLE
    widths(ws, {1: 32, 2: 17, 3: 40, 4: 10, 5: 10, 6: 11, 7: 12, 8: 16, 9: 20, 10: 12, 11: 30})
    shown = MULTIPLE_TITLES.index(TENDER_HEADER) + 1
    put_note(ws, 2, f"Une seule réponse par structure compte dans les chiffres : {LATEST_RULE}.", shown)
    put_note(ws, 3, f"Pour en retenir une autre, mettez « Oui » dans la colonne « {RETAINED_HEADER} » de la "
                    "réponse choisie et « Non » dans les autres réponses de la structure, enregistrez, puis relancez "
                    "egalite : le choix est gardé aux exécutions suivantes.", shown)
    header(ws, 5, MULTIPLE_TITLES)
    if not groups:
        put(ws, 6, 1, "Aucune structure n'a répondu plusieurs fois.")
    kept_ids = {id(r) for r in kept}
    siret = form.key_of("siret")
    row = 6
    for (_, key), answers in groups.items():
        for record in answers:
            answer = facts.answer(record)
            retained_text = "Oui" if id(record) in kept_ids else "Non"
            cells = [bidder(record), field_value(record, siret), record.file, declared_index(record, form, answer),
                     headcount(answer.values, form), STATUS_LABELS[facts.status(record)],
                     retained_text, record.tender, record.sha256, retained_text, key]
            put_row(ws, row, cells, wrapped=MULTIPLE_WRAPPED)
            ws.cell(row=row, column=7).fill = GREEN_FILL if retained_text == "Oui" else ORANGE_FILL
            row += 1
    for column in (9, 10, 11):
        hide_column(ws, column)
    if groups:
        choice = choice_validation(["Oui", "Non"], RETAINED_HEADER, "Choisissez Oui ou Non.", allow_blank=False)
        choice.add(f"G6:G{row - 1}")
        ws.validations.append(choice)
    ws.freeze_panes = "A6"
    fit_rows(ws, 5)
    printable(ws)


# ---------------------------------------------------------------------------
# Réponses


def _answers(ws: Sheet, records: list[Record], tender: str, facts: _Facts) -> None:
    form = facts.form
    titles = [FILE_HEADER] + [f.label for f in form.fields] + ["Statut", TENDER_HEADER, SHA_HEADER]
    header(ws, 1, titles)
    sizes = {1: 28} | {i: (60 if type_of(f).free_text else 14) for i, f in enumerate(form.fields, start=2)}
    widths(ws, sizes | {len(titles) - 2: 11, len(titles) - 1: 16, len(titles): 20})
    for row, record in enumerate(records, start=2):
        put(ws, row, 1, record.file)
        _answer_row(ws, row, record, form, facts.values(record))
        tail = len(form.fields) + 2
        put(ws, row, tail, STATUS_LABELS[facts.status(record)])
        put(ws, row, tail + 1, tender)
        put(ws, row, tail + 2, record.sha256)
    fit_rows(ws)
    printable(ws, fit_width=False)
    ws.freeze_panes = "C2"
    if records:
        _answer_validations(ws, len(records), form)
        ws.table = (f"A1:{column_letter(len(titles))}{len(records) + 1}", "Reponses", titles)


def _answer_validations(ws: Sheet, count: int, form: Form) -> None:
    """The drop-down list or check of each answer column, as in the review sheet."""
    for column, field in enumerate(form.fields, start=2):
        letter = column_letter(column)
        validation = field_validation(field, form, f"{letter}2")
        validation.add(f"{letter}2:{letter}{count + 1}")
        ws.validations.append(validation)


def _answer_row(ws: Sheet, row: int, record: Record, form: Form, values: dict[str, Any]) -> None:
    for column, field in enumerate(form.fields, start=2):
        value, number_format = answer_cell(field, values[field.key], form)
        cell = put(ws, row, column, value, number_format=number_format, wrap=type_of(field).free_text)
        reading = record.readings.get(field.key)
        if reading and reading.source == SOURCE_CORRECTION:
            cell.fill = BLUE_FILL
        elif reading and reading.doubt:
            cell.fill = ORANGE_FILL
            cell.comment = reading.doubt


# ---------------------------------------------------------------------------
# Engagements


def _commitments(ws: Sheet, records: list[Record], facts: _Facts) -> None:
    form = facts.form
    put(ws, 1, 1, f"Engagements spécifiques des structures (Oui en vert ; détails : feuille « {DETAILS_SHEET} »)"
        ).font = TITLE
    titles = ["Structure"] + [c.label for c in form.commitments] + [f"Total (sur {len(form.commitments)})"]
    header(ws, 3, titles)
    widths(ws, {1: 32} | {i: 16 for i in range(2, len(titles) + 1)})
    answered = [r for r in records if not r.rejected]
    for row, record in enumerate(answered, start=4):
        values = facts.values(record)
        put(ws, row, 1, bidder(record))
        for column, commitment in enumerate(form.commitments, start=2):
            cell = put(ws, row, column, _yes_no(values[commitment.done_key]))
            if values[commitment.done_key]:
                cell.fill = GREEN_FILL
        put(ws, row, len(titles), commitments_taken(values, form))
    ws.freeze_panes = "B4"
    fit_rows(ws)
    printable(ws)


DETAILS_WRAPPED = frozenset({1, 2, 4})  # structure, commitment, details


def _commitment_details(ws: Sheet, records: list[Record], facts: _Facts) -> None:
    """One row per commitment a bidder ticked or detailed."""
    form = facts.form
    header(ws, 1, ["Structure", "Engagement", "Pris", "Détails"])
    widths(ws, {1: 30, 2: 34, 3: 6, 4: 90})
    row = 2
    for record in (r for r in records if not r.rejected):
        values = facts.values(record)
        for commitment in form.commitments:
            done, details = values[commitment.done_key], values[commitment.details_key]
            if not done and details is None:
                continue
            put_row(ws, row, [bidder(record), commitment.label, _yes_no(done), details], wrapped=DETAILS_WRAPPED)
            row += 1
    fit_rows(ws)
    printable(ws)
    ws.freeze_panes = "A2"


# ---------------------------------------------------------------------------
# Constats


FINDINGS_WRAPPED = frozenset({3, 6, 7})  # field, message, value read


def _findings(ws: Sheet, records: list[Record], form: Form) -> None:
    header(ws, 1, ["Structure", FILE_HEADER, "Champ", KEY_HEADER, "Gravité", "Message", "Valeur lue"])
    widths(ws, {1: 28, 2: 28, 3: 30, 4: 22, 5: 14, 6: 70, 7: 40})
    row = 2
    for record in records:
        rows = [(None, "error", f"Fichier rejeté : {record.error}")] if record.rejected else []
        rows += [(f.key, f.severity, f.message) for f in record.findings]
        name = bidder(record)  # the same in each of its rows
        for key, severity, message in rows:
            label = form.field(key).label if key in form.key_set else ""
            reading = record.readings.get(key) if key else None
            read = reading.raw if reading and reading.raw is not None else None
            cells = [name, record.file, label, key, SEVERITY_LABELS.get(severity, severity), message, read]
            put_row(ws, row, cells, wrapped=FINDINGS_WRAPPED)
            if severity in SEVERITY_FILLS:
                ws.cell(row=row, column=5).fill = SEVERITY_FILLS[severity]
            row += 1
    fit_rows(ws)
    printable(ws)
    ws.freeze_panes = "A2"
    ws.autofilter = f"A1:G{max(row - 1, 1)}"


# ---------------------------------------------------------------------------
# À vérifier


REVIEW_TITLES = [TENDER_HEADER, "Structure", FILE_HEADER, LABEL_HEADER, KEY_HEADER, READ_HEADER, "Texte lu",
                 "Pourquoi vérifier", "Page", "Image de la zone", DECISION_HEADER, CORRECTED_HEADER, SHA_HEADER]
CONTINUED = "(suite de l'image de la ligne au-dessus)"
NO_PICTURE = "Pas d'image de la zone : ouvrez le fichier (lien de la colonne « Fichier »)."
IMAGE_COLUMN = REVIEW_TITLES.index("Image de la zone") + 1


def review_keys(record: Record, form: Form) -> list[tuple[str, str]]:
    """Each field to check and why: doubtful readings, then refused corrections."""
    if record.rejected:
        return []
    refused = {f.key: f.message for f in record.findings if f.rule == RULE_REFUSED}
    keys = [(key, " ".join(filter(None, (record.readings[key].doubt, refused.pop(key, None)))))
            for key in record.review(form)]
    return keys + list(refused.items())


@dataclass(frozen=True)
class _Places:
    """Where the workbook is, and the files its links point to."""

    folder: Path  # the workbook's folder: links are relative to it
    output: Path  # the zone pictures are relative to it
    inbox: Path | None  # the source files are relative to it

    def crop(self, reading: Reading) -> Path | None:
        path = self.output / reading.crop if reading.crop else None
        return path if path and path.is_file() else None

    def page(self, crop: Path, reading: Reading) -> Path | None:
        """The whole page with the field's zone outlined (where the answer stands, read or blank),
        drawn beside the crop from its page's picture."""
        page = crop.with_name(page_picture(crop.name))
        zone = reading.zone or reading.bbox  # a record read before zones were kept: the words read
        if not (page.is_file() and zone):
            return None
        target = crop.with_name(outlined_picture(crop.name))
        if not target.is_file() or target.stat().st_mtime < page.stat().st_mtime:
            from analyse.pictures import outline  # numpy, imported by a workbook that shows a picture

            outline(page, PAGE_PICTURE_DPI, zone, target)
        return target

    def source(self, record: Record) -> Path | None:
        path = self.inbox / record.file if self.inbox else None
        return path if path and path.is_file() else None

    def link(self, cell: Cell, target: Path) -> None:
        """Make ``cell`` open ``target``: relative to the workbook, so that the link still works
        when the output folder is copied or opened from another PC (Windows included)."""
        try:
            href = quote(Path(os.path.relpath(target, self.folder)).as_posix())
        except ValueError:  # another drive letter on Windows
            href = target.absolute().as_uri()
        cell.hyperlink = href
        cell.font = LINK_FONT


def _review(ws: Sheet, records: list[Record], tender: str, form: Form, places: _Places) -> None:
    header(ws, 1, REVIEW_TITLES)
    widths(ws, {1: 14, 2: 26, 3: 24, 4: 30, 5: 20, 6: 18, 7: 30, 8: 40, 9: 7, 10: IMAGE_WIDTH / 7 + 1,
                11: 12, 12: 24, 13: 16})
    ws.freeze_panes = "A2"
    fit_row(ws, 1)
    printable(ws)
    decision = decision_validation()
    checks: dict[str, Validation] = {}  # each field's check, over every row where it is typed
    row = 2
    for record in records:
        for key, why in review_keys(record, form):
            decision.add(ws.cell(row=row, column=DECISION_COLUMN))
            row = _review_row(ws, row, record, key, why, tender, form, places, checks)
    if row > 2:
        ws.validations.append(decision)
    ws.autofilter = f"A1:{column_letter(len(REVIEW_TITLES))}{max(row - 1, 1)}"


def _review_row(ws: Sheet, row: int, record: Record, key: str, why: str, tender: str, form: Form,
                places: _Places, checks: dict[str, Validation]) -> int:
    """The row of one field to check (and rows continuing its picture); the next free row.

    The field's check (``checks``, by key) is one validation over all the rows typing that field,
    as the decisions' is: the same list or rule, its formula's references relative to its first
    cell, as a spreadsheet applies them to each cell it covers (not one validation a row).
    """
    field = form.field(key)
    reading = record.readings[key]
    value, number_format = answer_cell(field, reading.value, form)
    cells = [tender, bidder(record), record.file, field.label, key, value, reading.raw, why, reading.page]
    for column, cell_value in enumerate(cells, start=1):
        put(ws, row, column, cell_value, number_format=number_format if column == 6 else None,
            wrap=column in (2, 4, 7, 8))
    if source := places.source(record):
        places.link(ws.cell(row=row, column=3), source)
    crop = places.crop(reading)
    if crop and (page := places.page(crop, reading)):
        places.link(ws.cell(row=row, column=9), page)
    put(ws, row, DECISION_COLUMN, None).fill = ORANGE_FILL
    typed = put(ws, row, DECISION_COLUMN + 1, None, number_format=typed_format(field))
    typed.fill = ORANGE_FILL
    validation = checks.get(key)
    if validation is None:
        validation = checks[key] = field_validation(field, form, typed.coordinate)
        ws.validations.append(validation)
    validation.add(typed)
    put(ws, row, DECISION_COLUMN + 2, record.sha256)
    fit_row(ws, row)
    if crop is None:  # no zone to show (a label not found in the file) or none drawn
        put(ws, row, IMAGE_COLUMN, NO_PICTURE, wrap=True)
        return row + 1
    from analyse.pictures import pieces  # numpy, imported by a workbook that shows a picture

    first, *rest = pieces(crop, IMAGE_WIDTH, PIECE_HEIGHT)
    _picture(ws, row, first)
    for piece in rest:
        row += 1
        for column, cell_value in enumerate([tender, bidder(record), record.file, field.label], start=1):
            put(ws, row, column, cell_value, wrap=column in (2, 4))
        put(ws, row, 8, CONTINUED, wrap=True)
        _picture(ws, row, piece)
    return row + 1


def _picture(ws: Sheet, row: int, piece: Image) -> None:
    """A picture shown pixel for pixel in the image column, its row as tall as it."""
    data = BytesIO()
    piece.save(data, "PNG")
    picture(ws, row, IMAGE_COLUMN, data.getvalue(), piece.height)


# ---------------------------------------------------------------------------
# Fichiers sources


SOURCES_WRAPPED = frozenset({9})  # the reason of a rejection


def _sources(ws: Sheet, records: list[Record], tender: str, facts: _Facts) -> None:
    titles = [FILE_HEADER, TENDER_HEADER, "Statut", "Pages du questionnaire", "Pages du fichier",
              "Lecture", "Taille (octets)", SHA_HEADER, "Motif du rejet"]
    header(ws, 1, titles)
    widths(ws, {1: 36, 2: 16, 3: 11, 4: 14, 5: 10, 6: 14, 7: 14, 8: 66, 9: 50})
    for row, record in enumerate(records, start=2):
        pages = ", ".join(str(p) for p in record.pages)
        values = [record.file, tender, STATUS_LABELS[facts.status(record)], pages, record.page_count,
                  record.method, record.size, record.sha256, record.error]
        put_row(ws, row, values, wrapped=SOURCES_WRAPPED)
    fit_rows(ws)
    printable(ws)
    ws.freeze_panes = "A2"
