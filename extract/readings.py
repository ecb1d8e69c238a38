"""What every reader does with the readings it made, whatever it read them from: a value read
that the field's type cannot take goes to review; the commitment list's rule (SPEC.md).

Kept apart from the readers themselves: reading our own fillable form needs these, and none
of the page reader's libraries (PDFium, numpy).
"""
from __future__ import annotations

from questionnaire.definition import Form
from questionnaire.record import SOURCE_OCR, Reading
from questionnaire.types import NON_ANSWER, Normalised


def apply_commitment_list_rule(readings: dict[str, Reading], form: Form) -> None:
    """One box per commitment (SPEC.md): an unticked box is "no" if anything
    else in the list was answered, and null if the whole list is blank."""
    def answered(certain: bool) -> bool:
        keys = [k for c in form.commitments for k in (c.done_key, c.details_key)]
        return any(readings[k].value and (readings[k].doubt is None) == certain for k in keys)

    if answered(certain=True):
        return
    for commitment in form.commitments:
        reading = readings[commitment.done_key]
        if reading.value is False and reading.raw is None:  # an unticked single box, not a "Non" ticked
            reading.value = None
            if answered(certain=False):  # "no" only if a doubtful answer elsewhere is right
                reading.doubt = reading.doubt or ("Case non cochée : « non » si les autres réponses "
                                                  "incertaines de la liste sont confirmées.")


def unparsed(result: Normalised) -> bool:
    """Whether text was read but could not be made a value of the field's type (« 1/3 » for a
    count): the reader cannot say what the bidder meant, a person does (a written-out
    non-answer, « Sans objet », is an answer)."""
    return result.value is None and result.problem not in (None, NON_ANSWER)


def unparsed_doubt(result: Normalised, source: str | None) -> str:
    """Why a value read but not understood goes to review (in French)."""
    read = "Lecture OCR non reconnue" if source == SOURCE_OCR else "Valeur non reconnue"
    return f"{read} ({result.message}) : valeur à vérifier."
