"""The sample inbox, file by file: who sent what, through which channel, with which mistakes.

Three tenders, each receiving questionnaires through every channel of
SPEC.md, answers that break each validation rule, and files that cannot be
read at all. File names are the ones bidders really use.
"""
from __future__ import annotations

from dataclasses import dataclass

from samples import defects as d
from samples.defects import Defect
from samples.overlay import Pen
from samples.scan import Scanner

CHANNELS = ("fillable", "flattened", "typed", "annotations", "word", "generic_fillable",
            "scan", "embedded", "bad")
BAD_KINDS = ("empty", "truncated", "encrypted", "photo", "screenshot", "cover_letter", "quote")
NOT_QUESTIONNAIRE = ("cover_letter", "quote")


@dataclass(frozen=True)
class Sample:
    tender: str
    file: str
    channel: str
    bidder: str
    defects: tuple[Defect, ...] = ()
    pen: Pen = Pen()
    style: str = "modele"
    scanner: Scanner | None = None
    on_state: str = "/Oui"  # generic fillable forms: the check boxes' export value
    siret_spaced: bool = False
    inner: str = "typed"  # embedded: how the questionnaire inside was made
    bad: str | None = None  # bad files: one of BAD_KINDS
    form: str = "egalite-2024"  # the version of the questionnaire the bidder answers

    @property
    def path(self) -> str:
        return f"{self.tender}/{self.file}"


VM, CHV, UPHF = "VM-2026-014", "CHV-2026-007", "UPHF-2026-AO03"
COURIER = Pen()
TIMES_CHECK = Pen(font="Times-Roman", size=10, tick="check")
COURIER_CROSS = Pen(tick="cross")
HELVETICA_LINES = Pen(font="Helvetica", size=9, tick="lines")
WORD = Pen(font="Vera", size=9, tick="x")
WORD_CHECK = Pen(font="Vera", size=9, tick="check")
TYPEWRITER_BY_HAND = Pen(font="Courier", size=10, tick="hand", seed=1)
HANDWRITING = Pen(font="CALLIG15", size=22, tick="hand", ink=(0.05, 0.1, 0.45), seed=2)

SAMPLES: tuple[Sample, ...] = (
    # -- Valenciennes Métropole: green spaces ---------------------------------
    Sample(VM, "Questionnaire égalité - SARL Jardins du Hainaut.pdf", "fillable", "SARL Jardins du Hainaut"),
    Sample(VM, "fiche_egalite_SAS_Verdure_Services.pdf", "flattened", "SAS Verdure Services",
           defects=(d.volunteers_non_answer,)),
    Sample(VM, "Renseignements égalité FH - Les Jardins de l'Escaut.pdf", "typed",
           "Association Les Jardins de l'Escaut", pen=TIMES_CHECK, defects=(d.two_genders,)),
    Sample(VM, "Questionnaire egalite Lefebvre.pdf", "annotations", "Paysages Lefebvre et Fils",
           defects=(d.board_share_with_no,)),
    Sample(VM, "QUESTIONNAIRE EGALITE - NORDPAYSAGE.pdf", "word", "SA Nordpaysage", pen=WORD, style="word",
           siret_spaced=True),
    Sample(VM, "Formulaire égalité Tonte et Taille Dupont.pdf", "generic_fillable",
           "EURL Tonte et Taille Dupont", on_state="/Oui"),
    Sample(VM, "scan_questionnaire_egalite_0001.pdf", "scan", "Paysages Lefebvre et Fils",
           pen=TYPEWRITER_BY_HAND, scanner=Scanner(dpi=150, angle=-1.2, seed=11)),
    Sample(VM, "Candidature Nordpaysage - pièces administratives.pdf", "embedded", "SA Nordpaysage",
           inner="flattened"),
    Sample(VM, "Egalite_FH_Jardins_du_Hainaut_v2.pdf", "typed", "SARL Jardins du Hainaut",
           pen=COURIER, defects=(d.negative_head_count,)),
    Sample(VM, "Questionnaire égalité - SAS Verdure Services.pdf", "fillable", "SAS Verdure Services",
           defects=(d.siret_bad_checksum,)),
    Sample(VM, "fiche égalité Clair Horizon.pdf", "typed", "SAS Clair Horizon Nettoyage",
           pen=HELVETICA_LINES, defects=(d.index_missing,)),
    Sample(VM, "Questionnaire égalité - Blanchisserie Industrielle du Nord.pdf", "flattened",
           "SAS Blanchisserie Industrielle du Nord", defects=(d.tender_ref_of_another_tender,)),
    Sample(VM, "Renseignements_egalite_SAS_Verdure.pdf", "bad", "SAS Verdure Services", bad="encrypted"),
    Sample(VM, "Lettre de candidature - SARL Jardins du Hainaut.pdf", "bad", "SARL Jardins du Hainaut",
           bad="cover_letter"),
    Sample(VM, "Questionnaire égalité Nordpaysage (scan).pdf", "scan", "SA Nordpaysage",
           pen=HANDWRITING, scanner=Scanner(dpi=200, angle=0.7, seed=12, quality=45)),
    Sample(VM, "fiche_egalite_Escaut_asso.pdf", "word", "Association Les Jardins de l'Escaut",
           pen=WORD_CHECK, style="word", defects=(d.volunteers_pct_not_a_number,)),

    # -- Centre hospitalier: laundry ------------------------------------------
    Sample(CHV, "Questionnaire égalité - Blanchisserie Industrielle du Nord.pdf", "fillable",
           "SAS Blanchisserie Industrielle du Nord", siret_spaced=True),
    Sample(CHV, "Questionnaire égalité ESAT Rhônelle.pdf", "annotations", "ESAT Les Ateliers de la Rhônelle"),
    Sample(CHV, "fiche_egalite_SCOP_Linge_Net.pdf", "typed", "SCOP Linge Net", pen=COURIER_CROSS,
           defects=(d.board_pct_with_unit,)),
    Sample(CHV, "QUESTIONNAIRE_EGALITE_PRESSING_MODERNE.pdf", "word", "SARL Pressing Moderne",
           pen=WORD, style="word"),
    Sample(CHV, "Formulaire renseignements égalité - Linge Net.pdf", "generic_fillable", "SCOP Linge Net",
           on_state="/On"),
    Sample(CHV, "Numérisation_20260203_101522.pdf", "scan", "ESAT Les Ateliers de la Rhônelle",
           pen=HANDWRITING, scanner=Scanner(dpi=150, angle=1.6, seed=21, noise=5, quality=50)),
    Sample(CHV, "Offre Blanchisserie du Nord - dossier de candidature.pdf", "embedded",
           "SAS Blanchisserie Industrielle du Nord", inner="typed", pen=TIMES_CHECK),
    Sample(CHV, "Questionnaire égalité Pressing Moderne ETP.pdf", "fillable", "SARL Pressing Moderne",
           defects=(d.full_time_equivalents,)),
    Sample(CHV, "fiche_egalite_ESAT.pdf", "flattened", "ESAT Les Ateliers de la Rhônelle",
           defects=(d.index_over_100,)),
    Sample(CHV, "Egalite FH - Nordpaysage.pdf", "annotations", "SA Nordpaysage",
           defects=(d.index_out_of_100, d.ticks_and_details_disagree)),
    Sample(CHV, "Questionnaire égalité - Linge Net signé.pdf", "word", "SCOP Linge Net", pen=WORD_CHECK,
           style="word", defects=(d.managers_total_wrong,)),
    Sample(CHV, "questionnaire egalite pressing.pdf", "bad", "SARL Pressing Moderne", bad="truncated"),
    Sample(CHV, "Devis Blanchisserie Industrielle du Nord.pdf", "bad",
           "SAS Blanchisserie Industrielle du Nord", bad="quote"),
    Sample(CHV, "Questionnaire égalité photo.pdf", "bad", "SCOP Linge Net", bad="screenshot"),
    Sample(CHV, "scan égalité Linge Net.pdf", "scan", "SCOP Linge Net", pen=TYPEWRITER_BY_HAND,
           scanner=Scanner(dpi=200, angle=-0.5, seed=22, quality=45)),

    # -- Université: cleaning --------------------------------------------------
    Sample(UPHF, "Questionnaire égalité - SAS Propreté Hainaut Services.pdf", "fillable",
           "SAS Propreté Hainaut Services"),
    Sample(UPHF, "fiche_egalite_Net_Express.pdf", "flattened", "SARL Net Express"),
    Sample(UPHF, "Questionnaire égalité Entraide Emploi.pdf", "typed", "Association Entraide Emploi Valenciennois",
           pen=COURIER),
    Sample(UPHF, "Renseignements égalité - Clair Horizon.pdf", "annotations", "SAS Clair Horizon Nettoyage"),
    Sample(UPHF, "QUESTIONNAIRE EGALITE F-H Propreté Hainaut.pdf", "word", "SAS Propreté Hainaut Services",
           pen=WORD, style="word", defects=(d.policy_over_limit,)),
    Sample(UPHF, "Formulaire égalité - Net Express.pdf", "generic_fillable", "SARL Net Express",
           on_state="/Yes"),
    Sample(UPHF, "Formulaire égalité Entraide Emploi.pdf", "generic_fillable",
           "Association Entraide Emploi Valenciennois", on_state="/Oui"),
    Sample(UPHF, "SCAN_EGALITE_ENTRAIDE.pdf", "scan", "Association Entraide Emploi Valenciennois",
           pen=HANDWRITING, scanner=Scanner(dpi=170, angle=-1.9, seed=31)),
    Sample(UPHF, "Dossier candidature Clair Horizon.pdf", "embedded", "SAS Clair Horizon Nettoyage",
           inner="flattened"),
    Sample(UPHF, "Candidature Entraide Emploi - DC1 DC2 questionnaire.pdf", "embedded",
           "Association Entraide Emploi Valenciennois", inner="typed", pen=COURIER_CROSS),
    Sample(UPHF, "Questionnaire égalité - Propreté Hainaut (2).pdf", "fillable",
           "SAS Propreté Hainaut Services", defects=(d.board_pct_over_100,)),
    Sample(UPHF, "fiche egalite net express.pdf", "typed", "SARL Net Express", pen=COURIER,
           defects=(d.siret_13_digits,)),
    Sample(UPHF, "Questionnaire égalité - SARL Net Express.pdf", "bad", "SARL Net Express", bad="empty"),
    Sample(UPHF, "IMG_20260205_154410.pdf", "bad", "SAS Clair Horizon Nettoyage", bad="photo"),
    Sample(UPHF, "Lettre candidature Propreté Hainaut Services.pdf", "bad", "SAS Propreté Hainaut Services",
           bad="cover_letter"),
    Sample(UPHF, "Questionnaire égalité Clair Horizon scanné.pdf", "scan", "SAS Clair Horizon Nettoyage",
           pen=TYPEWRITER_BY_HAND, scanner=Scanner(dpi=180, angle=1.1, seed=32)),
    # -- answers to the draft 2027 questionnaire, mixed with the 2024 ones ----
    Sample(VM, "Questionnaire égalité 2027 - SCOP Paysages Solidaires.pdf", "fillable", "SCOP Paysages Solidaires",
           form="egalite-2027"),
    Sample(CHV, "Renseignements égalité 2027 - Valclean Services.pdf", "typed",
           "SAS Valclean Services", pen=COURIER, form="egalite-2027"),
    Sample(CHV, "fiche egalite 2027 Escaut Insertion.pdf", "flattened", "Association Escaut Insertion",
           form="egalite-2027"),
)
