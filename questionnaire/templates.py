"""The templates a buyer attaches to a tender: ``egalite template --output DIR``."""
from __future__ import annotations

from pathlib import Path

from questionnaire.definition import Form
from questionnaire.fillable import render_fillable
from questionnaire.paper import render_form
from questionnaire.word import clause_docx, questionnaire_docx

PAPER = "questionnaire-egalite.pdf"
FILLABLE = "questionnaire-egalite-remplissable.pdf"
WORD = "questionnaire-egalite.docx"
CLAUSE = "clause-installations-sanitaires.docx"


def write_templates(output: Path, form: Form) -> list[Path]:
    """Write the paper PDF, the fillable PDF and the two Word files of ``form`` into ``output``."""
    output.mkdir(parents=True, exist_ok=True)
    contents = {
        PAPER: render_form("modele", form=form)[0],
        FILLABLE: render_fillable("modele", form=form),
        WORD: questionnaire_docx(form),
        CLAUSE: clause_docx(form),
    }
    paths = []
    for name, data in contents.items():
        path = output / name
        path.write_bytes(data)
        paths.append(path)
    return paths
