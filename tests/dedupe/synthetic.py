"""Realistic synthetic postings (French first) with ground truth, for dedupe tests and benches.

A *vacancy* is published by 1-5 boards; each copy rewords the title (gender markers,
seniority abbreviations), spells the company and the place its own way, may truncate the
description or frame it with board boilerplate, rounds or converts the salary, and is
published a few days apart. Hard negatives are built in: chains posting one template in
several towns, staffing agencies with similar missions for different clients, and
same-company vacancies that differ by role, city or contract.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from aggregator.schema import ContractType, SalaryPeriod, WorkingTime
from dedupe.records import DedupeRecord

COMPANIES = [
    ("Maison Lumen", ["Maison Lumen SAS", "MAISON LUMEN", "Maison Lumen"]),
    ("Boulangeries Dupont", ["SARL Boulangeries Dupont", "Boulangeries Dupont"]),
    ("Acme Industrie", ["Acme Industrie SA", "ACME INDUSTRIE", "Groupe Acme Industrie"]),
    ("Transports Morel", ["Transports Morel", "TRANSPORTS MOREL SAS"]),
    ("Cabinet Lefèvre", ["Cabinet Lefèvre", "Cabinet Lefevre EURL"]),
    ("Nordlicht Software", ["Nordlicht Software GmbH", "Nordlicht Software"]),
    ("Clinique du Parc", ["Clinique du Parc", "CLINIQUE DU PARC SAS"]),
    ("Vertigo Studio", ["Vertigo Studio", "Vertigo Studio SASU"]),
    ("Pharmacie Centrale", ["Pharmacie Centrale", "PHARMACIE CENTRALE SNC"]),
    ("Bâtir Ensemble", ["Bâtir Ensemble", "Batir Ensemble SAS"]),
]
AGENCY = ("Intérim Plus", ["Intérim Plus", "INTERIM PLUS SAS"])
TITLES = [
    ("Comptable fournisseurs", ["Comptable fournisseurs H/F", "Comptable Fournisseurs (F/H)"]),
    ("Développeur Python", ["Développeur Python (H/F)", "Développeur·se Python", "Python Dev H/F"]),
    ("Chargé de clientèle", ["Chargé(e) de clientèle H/F", "Chargé de clientèle (F/H)"]),
    ("Vendeur en boulangerie", ["Vendeur en boulangerie H/F", "Vendeur(se) en boulangerie"]),
    ("Préparateur de commandes", ["Préparateur de commandes H/F", "Préparateur commandes (F/H)"]),
    ("Infirmier de bloc", ["Infirmier de bloc H/F", "Infirmier(e) de bloc opératoire"]),
    ("Chauffeur poids lourd", ["Chauffeur poids lourd H/F", "Chauffeur PL (H/F)"]),
    ("Assistant administratif", ["Assistant administratif H/F", "Assistant(e) administratif(ve)"]),
    ("Chef de projet digital", ["Chef de projet digital H/F", "Chef de projet digital (F/H)"]),
    ("Électricien bâtiment", ["Électricien bâtiment H/F", "Electricien batiment (H/F)"]),
    ("Technicien de maintenance", ["Technicien de maintenance H/F", "Technicien maintenance F/H"]),
    ("Contrôleur de gestion", ["Contrôleur de gestion H/F", "Contrôleur de gestion (F/H)"]),
]
CITIES = [  # city, postal code, spellings boards use, lat, lon
    ("Paris", "75015", ["Paris 15e", "75015 Paris", "Paris", "PARIS 15"], 48.84, 2.30),
    ("Lyon", "69003", ["Lyon 3e", "69003 Lyon", "Lyon"], 45.76, 4.85),
    ("Marseille", "13008", ["Marseille 8e", "Marseille", "13008 Marseille"], 43.27, 5.39),
    ("Lille", "59000", ["Lille", "59000 Lille"], 50.63, 3.06),
    ("Nantes", "44000", ["Nantes", "44000 Nantes"], 47.22, -1.55),
    ("Bordeaux", "33000", ["Bordeaux", "BORDEAUX"], 44.84, -0.58),
    ("Toulouse", "31000", ["Toulouse", "31000 Toulouse"], 43.60, 1.44),
    ("Saint-Étienne", "42000", ["Saint-Étienne", "St-Etienne"], 45.43, 4.39),
    ("Rennes", "35000", ["Rennes", "35000 Rennes"], 48.11, -1.68),
    ("Strasbourg", "67000", ["Strasbourg", "67000 Strasbourg"], 48.57, 7.75),
]
BOARDS = ["francetravail", "indeed-fr", "hellowork", "welcome", "apec", "monster-fr", "cadremploi"]
SECTORS = [
    "logistique",
    "agroalimentaire",
    "santé",
    "distribution",
    "industrie",
    "bâtiment",
    "édition de logiciels",
    "transport",
    "banque",
    "assurance",
    "énergie",
    "tourisme",
]
TASKS = [
    "le suivi des dossiers clients",
    "la saisie et le contrôle des pièces",
    "la relation avec les fournisseurs",
    "la préparation des tableaux de bord",
    "la gestion des plannings",
    "le respect des règles de sécurité",
    "la mise à jour des procédures",
    "le reporting hebdomadaire à la direction",
    "l'accueil des nouveaux arrivants",
    "la qualité du service",
    "l'amélioration continue des outils",
    "la coordination avec les équipes terrain",
]
PERKS = [
    "tickets restaurant",
    "mutuelle prise en charge à 70 %",
    "prime annuelle",
    "RTT",
    "télétravail deux jours par semaine",
    "comité d'entreprise",
    "parking gratuit",
    "treizième mois",
    "participation aux bénéfices",
    "formation continue",
]
BOILERPLATE = [
    "Offre publiée sur {board}.",
    "Retrouvez toutes nos offres sur {board}.",
    "Postulez dès maintenant via {board} !",
    "Référence de l'offre : {ref}.",
]
BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Vacancy:
    """One real vacancy behind several copies (the ground truth)."""

    vacancy_id: str
    company: int
    title: int
    city: int
    contract: ContractType
    working_time: WorkingTime
    salary: tuple[float, float] | None
    description: str
    posted_at: datetime
    company_names: list[str]


def _description(rng: random.Random, company: str, title: str, city: str, client: str) -> str:
    intro = (
        f"{company} recrute pour {client} un {title} à {city}. "
        f"{client[0].upper() + client[1:]} est une entreprise du secteur "
        f"{rng.choice(SECTORS)} qui compte {rng.randint(12, 900)} salariés."
    )
    tasks = rng.sample(TASKS, 5)
    body = " ".join(
        [
            f"Vos missions principales comprennent {tasks[0]} et {tasks[1]}.",
            f"Vous serez également en charge de {tasks[2]}.",
            f"Au quotidien, vous veillez à {tasks[3]} et à {tasks[4]}.",
            f"Vous rejoignez une équipe de {rng.randint(3, 40)} personnes "
            f"rattachée au responsable {rng.choice(['de site', 'régional', 'de service'])}.",
            f"Profil : {rng.choice(['CAP', 'Bac', 'Bac+2', 'Bac+3', 'Bac+5'])} avec "
            f"{rng.randint(1, 10)} ans d'expérience sur un poste similaire.",
            f"Avantages : {', '.join(rng.sample(PERKS, 3))}.",
            f"Horaires : {rng.choice(['du lundi au vendredi', 'en 2x8', 'du mardi au samedi'])}, "
            f"prise de poste {rng.choice(['immédiate', 'en avril', 'en mai', 'à convenir'])}.",
        ]
    )
    return intro + " " + body


def make_vacancy(
    rng: random.Random,
    vid: str,
    *,
    company: int | None = None,
    title: int | None = None,
    city: int | None = None,
    contract: ContractType | None = None,
    agency: bool = False,
    posted_at: datetime | None = None,
) -> Vacancy:
    """A vacancy with random (or given) company, title, city, terms and a unique text."""
    ci = rng.randrange(len(COMPANIES)) if company is None else company
    ti = rng.randrange(len(TITLES)) if title is None else title
    li = rng.randrange(len(CITIES)) if city is None else city
    names = AGENCY[1] if agency else COMPANIES[ci][1]
    client = f"notre client n°{rng.randint(100, 999)}" if agency else "notre maison"
    low = rng.randrange(22, 60) * 1000
    return Vacancy(
        vacancy_id=vid,
        company=-1 if agency else ci,
        title=ti,
        city=li,
        contract=contract or rng.choice([ContractType.PERMANENT, ContractType.FIXED_TERM]),
        working_time=rng.choice([WorkingTime.FULL_TIME] * 4 + [WorkingTime.PART_TIME]),
        salary=(float(low), float(low + rng.randrange(2, 8) * 1000))
        if rng.random() < 0.7
        else None,
        description=_description(rng, names[0], TITLES[ti][0], CITIES[li][0], client),
        posted_at=posted_at or BASE + timedelta(hours=rng.randrange(0, 24 * 90)),
        company_names=names,
    )


def copies(rng: random.Random, vacancy: Vacancy, n: int) -> list[DedupeRecord]:
    """``n`` board copies of a vacancy, each worded the way a different board would."""
    out = []
    for board in rng.sample(BOARDS, n):
        _, postal, spellings, lat, lon = CITIES[vacancy.city]
        text = vacancy.description
        if rng.random() < 0.25:
            text = text[: rng.randrange(250, 400)] + "…"
        if rng.random() < 0.4:
            ref = rng.randint(10000, 99999)
            text = f"{rng.choice(BOILERPLATE).format(board=board, ref=ref)}\n{text}\n" + rng.choice(
                BOILERPLATE
            ).format(board=board, ref=ref)
        salary_min = salary_max = None
        period = None
        if vacancy.salary and rng.random() < 0.8:
            salary_min, salary_max = vacancy.salary
            period = SalaryPeriod.YEAR
            if rng.random() < 0.3:
                salary_min, salary_max = round(salary_min / 12), round(salary_max / 12)
                period = SalaryPeriod.MONTH
        oid = str(rng.randint(10**6, 10**7))
        out.append(
            DedupeRecord(
                key=f"{board}:{oid}",
                source=board,
                source_offer_id=oid,
                url=f"https://{board}.example/offres/{oid}",
                title=rng.choice(TITLES[vacancy.title][1]),
                company=rng.choice(vacancy.company_names) if rng.random() < 0.95 else None,
                description=text,
                city=rng.choice(spellings),
                postal_code=postal if rng.random() < 0.6 else None,
                country="FR",
                latitude=lat if rng.random() < 0.5 else None,
                longitude=lon,
                contract_type=vacancy.contract if rng.random() < 0.85 else None,
                working_time=vacancy.working_time if rng.random() < 0.6 else None,
                salary_min=salary_min,
                salary_max=salary_max,
                salary_currency="EUR" if period else None,
                salary_period=period,
                posted_at=vacancy.posted_at + timedelta(hours=rng.randrange(0, 24 * 6)),
            )
        )
        if out[-1].latitude is None:
            out[-1] = replace(out[-1], longitude=None)
    return out


def market(seed: int, vacancies: int) -> tuple[list[DedupeRecord], dict[str, str]]:
    """Records of ``vacancies`` vacancies (1-5 copies each) and the truth: key -> vacancy id."""
    rng = random.Random(seed)
    records: list[DedupeRecord] = []
    truth: dict[str, str] = {}
    for i in range(vacancies):
        kind = rng.random()
        vid = f"v{seed}-{i}"
        if kind < 0.08:  # staffing agency: same title, city, for another client
            vac = make_vacancy(rng, vid, agency=True, title=4, city=3)
        elif kind < 0.16:  # chain: one template, several towns
            vac = make_vacancy(rng, vid, company=1, title=3)
        else:
            vac = make_vacancy(rng, vid)
        for record in copies(rng, vac, rng.choice([1, 2, 2, 3, 3, 4, 5])):
            records.append(record)
            truth[record.key] = vid
    return records, truth
