"""The templates a buyer attaches to a tender: ``egalite template --output DIR``."""
from __future__ import annotations

from pathlib import Path

from questionnaire.definition import Form
from questionnaire.fillable import render_fillable
from questionnaire.paper import render_form
from questionnaire.word import clause_docx, questionnaire_docx

CLAUSE = "clause-installations-sanitaires.docx"  # the same clause for every version of the form


def write_templates(output: Path, form: Form) -> list[Path]:
    """Write the paper PDF, the fillable PDF and the two Word files of ``form`` into ``output``.

    The questionnaire's files are named with the form's id, so the templates of two versions
    can lie in one folder without one overwriting the other.
    """
    output.mkdir(parents=True, exist_ok=True)
    contents = {
        f"questionnaire-{form.id}.pdf": render_form("modele", form=form)[0],
        f"questionnaire-{form.id}-remplissable.pdf": render_fillable("modele", form=form),
        f"questionnaire-{form.id}.docx": questionnaire_docx(form),
        CLAUSE: clause_docx(form),
    }
    paths = []
    for name, data in contents.items():
        path = output / name
        path.write_bytes(data)
        paths.append(path)
    return paths
