"""The questionnaire: its single definition (``definition``) and the record contract (``record``)."""
from questionnaire.definition import Form, FieldDef, load

__all__ = ["Form", "FieldDef", "load"]
