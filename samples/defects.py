"""Answers that break the reading and validation rules of SPEC.md, on purpose.

Each defect rewrites part of a :class:`~samples.answers.Filled` form and
states, beside it, the value, raw text and findings SPEC.md requires for
what is now written. Together they break every validation rule at least
once (``tests/test_samples.py`` checks it on the truth files).
"""
from __future__ import annotations

from typing import Callable

from questionnaire.definition import Form
from samples.answers import Filled, write_commitments, write_staff
from samples.bidders import POLICY_OVER_LIMIT, counts

Defect = Callable[[Filled, Form], None]


def board_pct_over_100(filled: Filled, form: Form) -> None:
    filled.write("board.women_pct", "120", 120)
    filled.find("board.women_pct", "error")


def volunteers_pct_not_a_number(filled: Filled, form: Form) -> None:
    filled.write("volunteers.women_pct", "abc", None)
    filled.find("volunteers.women_pct", "error")


def board_pct_with_unit(filled: Filled, form: Form) -> None:
    """Valid: French forms write ``45,5 %``."""
    filled.write("board.women_pct", "45,5 %", 45.5)


def policy_over_limit(filled: Filled, form: Form) -> None:
    filled.write("policy.text", POLICY_OVER_LIMIT, POLICY_OVER_LIMIT)
    filled.find("policy.text", "error")


def index_over_100(filled: Filled, form: Form) -> None:
    filled.write("equality_index.score", "120", 120)
    filled.find("equality_index.score", "error")


def index_out_of_100(filled: Filled, form: Form) -> None:
    """Valid: ``85/100`` is 85."""
    filled.write("equality_index.score", "85/100", 85)


def index_not_computable(filled: Filled, form: Form) -> None:
    """Valid: ``NC`` is the value "NC"."""
    filled.write("equality_index.score", "NC", "NC")


def negative_head_count(filled: Filled, form: Form) -> None:
    """A minus sign typed by mistake; the totals the bidder wrote still add up."""
    write_staff(filled, form, {"managers": counts(4, 2), "non_managers": counts(-3, 12)})
    filled.find("staff.non_managers.women", "error")


def full_time_equivalents(filled: Filled, form: Form) -> None:
    """Head counts in full-time equivalents: kept, each with a warning."""
    write_staff(filled, form, {"managers": counts(2.5, 3.5), "non_managers": counts(12.5, 7.5)})
    for key in ("staff.managers.women", "staff.managers.men",
                "staff.non_managers.women", "staff.non_managers.men"):
        filled.find(key, "warning")


def managers_total_wrong(filled: Filled, form: Form) -> None:
    """The managers' total is off by two: its row and the total column no longer add up."""
    key = "staff.managers.total"
    wrong = filled.fields[key] + 2
    filled.write(key, str(wrong), wrong)
    filled.find("staff.managers.total", "warning")
    filled.find("staff.total.total", "warning")


def board_share_with_no(filled: Filled, form: Form) -> None:
    filled.tick("board.exists", ("no",), False)
    filled.write("board.women_pct", "30", 30)
    filled.find("board.women_pct", "warning")


def two_genders(filled: Filled, form: Form) -> None:
    """Null, with the labels of the boxes ticked as raw text ("Femme + Homme")."""
    filled.tick("officers.secretary", ("woman", "man"), None)
    labels = {choice.id: choice.label for choice in form.choices["gender"]}
    filled.raw["officers.secretary"] = f"{labels['woman']} + {labels['man']}"
    filled.find("officers.secretary", "error")


def index_missing(filled: Filled, form: Form) -> None:
    """50 employees or more, and no index."""
    filled.write("equality_index.score", None, None)
    filled.find("equality_index.score", "warning")


def ticks_and_details_disagree(filled: Filled, form: Form) -> None:
    """One commitment ticked without details, another detailed without its tick."""
    write_commitments(filled, form,
                      {"agreements": "Accord égalité signé en 2024.", "events": None},
                      details_only={"label": "Démarche label Égalité engagée avec l'AFNOR."})
    filled.find("commitments.events.details", "warning")
    filled.find("commitments.label.details", "warning")


def siret_bad_checksum(filled: Filled, form: Form) -> None:
    siret = filled.fields["siret"]
    wrong = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    filled.write("siret", wrong, wrong)
    filled.find("siret", "error")


def siret_13_digits(filled: Filled, form: Form) -> None:
    """A digit forgotten: the digits are kept as written, with an error."""
    short = filled.fields["siret"][:9] + filled.fields["siret"][10:]
    filled.write("siret", short, short)
    filled.find("siret", "error")


def volunteers_non_answer(filled: Filled, form: Form) -> None:
    filled.write("volunteers.women_pct", "Sans objet", None)
    filled.find("volunteers.women_pct", "info")


def tender_ref_of_another_tender(filled: Filled, form: Form) -> None:
    """The form of an earlier consultation, sent again unchanged."""
    filled.write("tender_ref", "VM-2025-031", "VM-2025-031")
    filled.find("tender_ref", "warning")
