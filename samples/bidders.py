"""Plausible bidders and their answers to the questionnaire, as typed data.

The bidders are fictitious (names, SIRETs), but their answers look like what
the structures of the Valenciennes area really send: small firms without an
index, large ones with one, associations with a board and volunteers.
Head counts are given per row without totals: :mod:`samples.answers`
writes the totals as a careful bidder would (the sums of the cells).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from questionnaire.types import luhn_ok

Counts = dict[str, float | None]  # column id (women, men, non_binary, undisclosed) -> head count


@dataclass(frozen=True)
class Tender:
    """One consultation: its reference is the name of its inbox sub-folder."""

    ref: str
    buyer: str
    subject: str
    city: str


TENDERS = (
    Tender("VM-2026-014", "Valenciennes Métropole",
           "Entretien des espaces verts communautaires", "Valenciennes"),
    Tender("CHV-2026-007", "Centre hospitalier de Valenciennes",
           "Prestations de blanchisserie et location de linge", "Valenciennes"),
    Tender("UPHF-2026-AO03", "Université Polytechnique Hauts-de-France",
           "Nettoyage des locaux du campus du Mont Houy", "Famars"),
)


@dataclass(frozen=True)
class Bidder:
    """What a structure answers when it fills the form carefully."""

    name: str
    siret: str
    address: str
    signatory: str
    managers: Counts
    non_managers: Counts
    board: bool | None = None
    board_women_pct: float | None = None
    officers: dict[str, str] = field(default_factory=dict)  # role -> gender id
    volunteers_women_pct: float | None = None
    policy: str | None = None
    index: int | str | None = None  # 0-100 or "NC"
    commitments: dict[str, str] = field(default_factory=dict)  # ticked commitment id -> details
    pay: dict[str, float] = field(default_factory=dict)  # the 2027 form's pay gaps and quartile shares, by key

    @property
    def head_count(self) -> float:
        return sum(v or 0 for row in (self.managers, self.non_managers) for v in row.values())


def _complete_luhn(stem: str) -> str:
    """``stem`` followed by the check digit that makes it Luhn-valid."""
    return next(stem + d for d in "0123456789" if luhn_ok(stem + d))


def make_siret(name: str) -> str:
    """A stable, valid SIRET for a fictitious structure: a Luhn-valid SIREN,
    then an establishment number chosen so that the 14 digits are Luhn-valid."""
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    siren = _complete_luhn(f"{3 + digest % 6}{digest // 7 % 10**7:07d}")
    return _complete_luhn(f"{siren}000{1 + digest // 10**9 % 9}")


def counts(women: float | None, men: float | None, non_binary: float | None = None,
           undisclosed: float | None = None) -> Counts:
    return {"women": women, "men": men, "non_binary": non_binary, "undisclosed": undisclosed}


def _bidder(name: str, address: str, signatory: str, **answers) -> Bidder:
    return Bidder(name=name, siret=make_siret(name), address=address, signatory=signatory, **answers)


POLICY_SHORT = ("Égalité salariale à poste égal vérifiée chaque année. Recrutements ouverts "
                "aux femmes sur les postes de terrain.")
POLICY_GREEN = (
    "Notre entreprise applique l'égalité de rémunération à poste égal et publie chaque année "
    "les écarts constatés au CSE. Les offres d'emploi sont rédigées en écriture non "
    "discriminante et diffusées auprès de France Travail et des missions locales pour attirer "
    "des candidates sur les métiers de jardinier-paysagiste. Les horaires des équipes sont "
    "adaptés pour faciliter la garde des enfants (pas de réunion après 17h). Du matériel "
    "ergonomique (débroussailleuses harnachées, souffleurs légers) a été acheté pour que tous "
    "les postes soient accessibles.")
POLICY_LONG = (
    "Depuis 2019, notre accord d'entreprise relatif à l'égalité professionnelle entre les "
    "femmes et les hommes fixe des objectifs chiffrés sur quatre domaines : l'embauche, la "
    "formation, la promotion professionnelle et la rémunération effective. Chaque année, la "
    "commission égalité du CSE examine le rapport de situation comparée et propose des mesures "
    "correctives. Nous garantissons le maintien de la rémunération pendant le congé maternité "
    "et le congé de paternité, et nous proposons un entretien de retour à chaque salarié·e "
    "après une absence de longue durée. Les managers suivent un module de sensibilisation aux "
    "stéréotypes et au sexisme ordinaire. Une référente harcèlement sexuel est désignée au "
    "sein du CSE et une procédure de signalement anonyme est accessible à tout le personnel. "
    "Enfin, nous visons 40 % de femmes parmi les cheffes et chefs d'équipe d'ici 2027.")
POLICY_ASSOCIATION = (
    "L'association veille à la parité dans ses instances et dans l'accompagnement des "
    "personnes en parcours d'insertion. Les salariées en insertion bénéficient d'un "
    "accompagnement renforcé vers les métiers dits masculins (conduite d'engins, "
    "maçonnerie paysagère) et d'une aide à la mobilité.")
POLICY_LAUNDRY = (
    "Plan d'action égalité signé avec les organisations syndicales en 2023 : revalorisation "
    "des postes de repasseuse et de plieuse, ouverture des postes de chauffeur-livreur aux "
    "femmes avec financement du permis C, suivi trimestriel des écarts de salaire.")
POLICY_CLEANING = (
    "La propreté est un métier très féminisé : nous luttons contre le temps partiel subi "
    "en regroupant les vacations en journée continue, et nous formons nos agentes "
    "d'encadrement. Un numéro d'écoute contre les violences sexistes est affiché sur "
    "chaque site.")
POLICY_OVER_LIMIT = POLICY_LONG + (
    " En complément, un baromètre social interne mesure chaque semestre le ressenti des "
    "équipes sur l'égalité des chances, la conciliation des temps de vie et le respect "
    "au travail ; ses résultats sont présentés en réunion plénière et affichés sur les sites.")

def pay(mean: float, median: float, *quartiles: float) -> dict[str, float]:
    """The directive's indicators as a bidder gives them on the 2027 form (gaps signed, in %)."""
    return {"pay_gap.mean": mean, "pay_gap.median": median} | {
        f"pay_quartiles.q{i}.women_pct": share for i, share in enumerate(quartiles, start=1)}


BIDDERS: dict[str, Bidder] = {b.name: b for b in (
    _bidder("SARL Jardins du Hainaut", "12 rue de Lille, 59300 Valenciennes", "Marc Delattre",
            managers=counts(1, 3, 0, 0), non_managers=counts(4, 14, 0, 0),
            board=False, policy=POLICY_GREEN,
            commitments={"training": "Formation « manager sans stéréotypes » pour les chefs d'équipe (2025)."}),
    _bidder("SAS Verdure Services", "ZA du Plouich, 59590 Raismes", "Sophie Carlier",
            managers=counts(2, 4), non_managers=counts(9, 23), policy=POLICY_SHORT,
            commitments={"action_plan": "Plan d'actions égalité 2024-2026 déposé à la DREETS.",
                         "events": "Participation à la Journée internationale des droits des femmes."}),
    _bidder("Association Les Jardins de l'Escaut", "3 chemin de halage, 59300 Valenciennes",
            "Nadia Belkacem",
            managers=counts(2, 1, 0, 0), non_managers=counts(7, 11, 1, 0),
            board=True, board_women_pct=55,
            officers={"president": "woman", "secretary": "man", "treasurer": "woman"},
            volunteers_women_pct=62.5, policy=POLICY_ASSOCIATION,
            commitments={"partnerships": "Partenariat avec le CIDFF du Nord et la Maison de l'emploi.",
                         "harassment_unit": "Référente violences sexistes formée par le CIDFF."}),
    _bidder("Paysages Lefebvre et Fils", "48 route de Saint-Amand, 59220 Denain", "Jean Lefebvre",
            managers=counts(0, 2), non_managers=counts(1, 6), board=False),
    _bidder("SA Nordpaysage", "Parc d'activités de l'A2, 59410 Anzin", "Isabelle Vandamme",
            managers=counts(14, 31, 0, 2), non_managers=counts(58, 187, 1, 4),
            board=True, board_women_pct=40,
            officers={"president": "man", "secretary": "woman", "treasurer": "man"},
            policy=POLICY_LONG, index=87,
            commitments={"agreements": "Accord égalité professionnelle signé le 12 mars 2024 pour 3 ans.",
                         "action_plan": "Plan d'actions annexé à l'accord, suivi par la commission égalité.",
                         "training": "Module e-learning sur le sexisme ordinaire obligatoire pour tous.",
                         "harassment_unit": "Cellule d'écoute externe (numéro vert) et référente CSE.",
                         "label": "Label Égalité professionnelle AFNOR obtenu en 2023."}),
    _bidder("EURL Tonte et Taille Dupont", "5 rue Jean Jaurès, 59264 Onnaing", "Thierry Dupont",
            managers=counts(0, 1), non_managers=counts(0, 3)),
    _bidder("SAS Blanchisserie Industrielle du Nord", "Rue de l'Industrie, 59770 Marly",
            "Catherine Leroy",
            managers=counts(9, 7, 0, 0), non_managers=counts(96, 41, 0, 3),
            board=True, board_women_pct=50,
            officers={"president": "woman", "secretary": "woman", "treasurer": "man"},
            policy=POLICY_LAUNDRY, index=92,
            commitments={"agreements": "Accord égalité 2023-2026 signé avec FO et la CFDT.",
                         "action_plan": "Plan d'action signé avec les organisations syndicales en 2023.",
                         "training": "Financement du permis C pour les salariées volontaires."}),
    _bidder("ESAT Les Ateliers de la Rhônelle", "21 avenue de Saint-Saulve, 59880 Saint-Saulve",
            "Hervé Dumont",
            managers=counts(3, 2), non_managers=counts(31, 38),
            board=True, board_women_pct=45.5,
            officers={"president": "man", "secretary": "woman", "treasurer": "undisclosed"},
            volunteers_women_pct=70, index="NC",
            policy="Les travailleuses et travailleurs handicapés accèdent à tous les ateliers "
                   "(blanchisserie, espaces verts, conditionnement) sans distinction de sexe.",
            commitments={"events": "Ateliers de sensibilisation lors de la semaine de l'égalité."}),
    _bidder("SCOP Linge Net", "7 rue des Tanneurs, 59300 Valenciennes", "Aurélie Masson",
            managers=counts(2, 1), non_managers=counts(17, 6),
            board=True, board_women_pct=60,
            officers={"president": "woman", "secretary": "man", "treasurer": "woman"},
            policy="Gouvernance coopérative : une personne, une voix. Écart de salaire maximal de 1 à 3.",
            commitments={"other": "Gérance tournante, alternativement une femme et un homme."}),
    _bidder("SARL Pressing Moderne", "102 rue Jean Jaurès, 59410 Anzin", "Karim Haddad",
            managers=counts(1, 0), non_managers=counts(5, 1)),
    _bidder("SAS Propreté Hainaut Services", "Zone Portuaire, 59220 Denain", "Olivier Garnier",
            managers=counts(11, 9, 0, 1), non_managers=counts(241, 88, 0, 6),
            policy=POLICY_CLEANING, index=79,
            commitments={"action_plan": "Plan d'actions 2025 : réduction du temps partiel subi.",
                         "harassment_unit": "Numéro d'écoute externe et enquêtes internes systématiques.",
                         "training": "Formation des cheffes d'équipe au management (40 h)."}),
    _bidder("SARL Net Express", "16 place d'Armes, 59300 Valenciennes", "Samira Ouali",
            managers=counts(1, 1), non_managers=counts(14, 3), board=False, policy=POLICY_SHORT),
    _bidder("Association Entraide Emploi Valenciennois", "9 rue du Faubourg de Paris, 59300 Valenciennes",
            "Bernard Lemaire",
            managers=counts(2, 2, 0, 0), non_managers=counts(26, 12, 0, 0),
            board=True, board_women_pct=33,
            officers={"president": "man", "secretary": "woman", "treasurer": "woman"},
            volunteers_women_pct=58, policy=POLICY_ASSOCIATION,
            commitments={"partnerships": "Convention avec le Planning familial pour des permanences."}),
    _bidder("SAS Clair Horizon Nettoyage", "Parc Valenciennes Ouest, 59300 Valenciennes",
            "Laurent Moreau",
            managers=counts(3, 5), non_managers=counts(38, 16, 0, 1),
            policy=POLICY_CLEANING, index=84,
            commitments={"agreements": "Négociation annuelle obligatoire incluant l'égalité salariale.",
                         "label": "Label Diversité en cours d'instruction."}),
    # -- answering the draft 2027 questionnaire (directive 2023/970) ------------
    _bidder("SCOP Paysages Solidaires", "7 rue du Rivage, 59300 Valenciennes", "Claire Dumont",
            managers=counts(3, 4, 0, 0), non_managers=counts(12, 17, 0, 1),
            board=True, board_women_pct=50,
            officers={"president": "woman", "secretary": "man", "treasurer": "woman"},
            policy=POLICY_SHORT, pay=pay(-2.5, 1.8, 62, 48, 35, 22),
            commitments={"agreements": "Accord de rémunération revu en 2026 avec les associés."}),
    _bidder("SAS Valclean Services", "ZI de Prouvy, 59121 Prouvy", "Karim Haddad",
            managers=counts(4, 9), non_managers=counts(96, 41), policy=POLICY_CLEANING,
            pay=pay(7.4, 5.1, 70, 55, 41.5, 30),
            commitments={"harassment_unit": "Numéro d'écoute et référente sur chaque site."}),
    _bidder("Association Escaut Insertion", "2 quai des Mariniers, 59300 Valenciennes", "Hélène Masson",
            managers=counts(2, 2, 0, 0), non_managers=counts(9, 14, 0, 0),
            board=True, board_women_pct=60,
            officers={"president": "man", "secretary": "woman", "treasurer": "woman"},
            volunteers_women_pct=55, pay=pay(3.2, -1.5, 50, 50, 45, 38)),
)}


def bidder(name: str) -> Bidder:
    return BIDDERS[name]
