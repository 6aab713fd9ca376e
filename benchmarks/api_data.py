"""Generated offers for the API benchmark: realistic French/English text, places across France.

Offers are stored in the order they were first seen (the last 60 days, a few hours of disorder),
as a store fed by crawls grows: the newest offers are the last rows, which is what recency walks
and FTS5's rowid order read. (An earlier version stored them in random date order, so a walk
down ``listed_at`` read a random heap page per offer on PostgreSQL.)

Rows go straight into ``offers`` (and one posting each, for the source filter and facet) in
bulk: executemany batches on SQLite (FTS5 kept by its triggers), ``COPY`` on PostgreSQL (the
``search_vector`` generated column computed by the server), so a million offers load in minutes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from aggregator.api.tables import offer_postings, offers, postings, sources
from aggregator.store.search_index import search_columns
from normalizers.gazetteer.folding import fold
from normalizers.gazetteer.store import get_gazetteer

JOBS_FR = [
    ("Développeur Python", 42000, 60000),
    ("Développeur Java", 40000, 58000),
    ("Développeuse full stack JavaScript", 38000, 55000),
    ("Data engineer", 45000, 65000),
    ("Technicien de maintenance", 26000, 34000),
    ("Infirmier de bloc opératoire", 28000, 36000),
    ("Aide-soignant", 22000, 26000),
    ("Commercial terrain", 30000, 45000),
    ("Assistant commercial", 24000, 30000),
    ("Comptable fournisseurs", 28000, 36000),
    ("Chauffeur poids lourd", 25000, 32000),
    ("Vendeur en magasin", 21000, 24000),
    ("Boulanger", 22000, 27000),
    ("Cuisinier", 22000, 28000),
    ("Chargé de recrutement", 32000, 42000),
    ("Chef de projet digital", 45000, 60000),
    ("Électricien bâtiment", 24000, 32000),
    ("Préparateur de commandes", 21000, 23000),
    ("Conseiller clientèle bancaire", 27000, 35000),
    ("Ingénieur études et développement", 42000, 55000),
]
JOBS_EN = [
    ("Senior Python Developer", 60000, 85000),
    ("Software Engineer", 55000, 80000),
    ("Customer Success Manager", 40000, 55000),
    ("Data Analyst", 42000, 58000),
]
SENTENCES_FR = [
    "Vous rejoindrez une équipe de {n} personnes au sein d'une entreprise en croissance.",
    "Vos missions : {a}, {b} et {c}.",
    "Profil recherché : première expérience réussie, sens du service et rigueur.",
    "Nous offrons tickets restaurant, mutuelle et télétravail partiel.",
    "Poste basé à {city}, déplacements ponctuels dans la région.",
    "Formation assurée en interne ; débutants acceptés.",
    "Rémunération selon profil, treizième mois et intéressement.",
]
SENTENCES_EN = [
    "You will join a team of {n} people in a fast-growing company.",
    "Your responsibilities: {a}, {b} and {c}.",
    "We offer flexible hours, remote days and a learning budget.",
    "Based in {city}, with occasional travel.",
]
TASKS = [
    "accueil des clients",
    "gestion des stocks",
    "suivi des commandes",
    "développement de nouvelles fonctionnalités",
    "maintenance préventive",
    "relation fournisseurs",
    "reporting mensuel",
    "prospection commerciale",
    "soins aux patients",
    "analyse de données",
    "code review",
    "customer onboarding",
]
CITY_NAMES = [
    "Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Montpellier", "Strasbourg",
    "Bordeaux", "Lille", "Rennes", "Reims", "Toulon", "Saint-Étienne", "Le Havre", "Grenoble",
    "Dijon", "Angers", "Nîmes", "Villeurbanne", "Clermont-Ferrand", "Le Mans", "Aix-en-Provence",
    "Brest", "Tours", "Amiens", "Limoges", "Annecy", "Perpignan", "Metz", "Besançon", "Orléans",
    "Rouen", "Mulhouse", "Caen", "Nancy", "Argenteuil", "Montreuil", "Roubaix", "Avignon",
    "Mérignac", "Pau", "La Rochelle", "Poitiers", "Valence", "Quimper", "Vannes", "Bayonne",
    "Colmar", "Chambéry",
]  # fmt: skip
CONTRACTS = [
    ("permanent", 55), ("fixed_term", 18), ("temporary", 12), ("apprenticeship", 8),
    ("internship", 4), ("freelance", 3),
]  # fmt: skip
SOURCES = [f"board-{i:02d}" for i in range(20)] + ["francetravail", "indeed", "apec"]


def _places() -> list[dict[str, Any]]:
    g = get_gazetteer()
    places = []
    for name in CITY_NAMES:
        city = max(
            (c for c, _ in g.cities(fold(name)) if c.country == "FR"), key=lambda c: c.population
        )
        places.append(
            {
                "city": city.name,
                "postal_code": city.postal_code or f"{city.admin}000",
                "region": city.region,
                "country": "FR",
                "latitude": city.latitude,
                "longitude": city.longitude,
                "weight": city.population,
            }
        )
    return places


def generate(n: int, dialect: str, seed: int = 8) -> Iterator[dict[str, Any]]:
    """``n`` offer rows (search columns included), deterministic for a seed."""
    rng = random.Random(seed)
    places = _places()
    weights = [p["weight"] for p in places]
    contracts, contract_weights = zip(*CONTRACTS, strict=True)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    for i in range(n):
        english = rng.random() < 0.1
        title, low, high = rng.choice(JOBS_EN if english else JOBS_FR)
        place = dict(rng.choices(places, weights)[0])
        place.pop("weight")
        place["latitude"] += rng.uniform(-0.08, 0.08)
        place["longitude"] += rng.uniform(-0.08, 0.08)
        a, b, c = rng.sample(TASKS, 3)
        sentences = rng.sample(SENTENCES_EN if english else SENTENCES_FR, 4)
        description = " ".join(
            s.format(n=rng.randint(3, 40), a=a, b=b, c=c, city=place["city"]) for s in sentences
        )
        # stored in the order first seen, as a crawled store grows (a few hours of disorder):
        # offers of the last 60 days, the newest last
        age = (n - i) / n * 60 * 24 * 60 + rng.uniform(-240, 240)
        posted = now - timedelta(minutes=max(age, 0.0))
        has_salary = rng.random() < 0.6
        monthly = has_salary and rng.random() < 0.3
        factor = 1 / 12 if monthly else 1
        row = {
            "offer_id": f"off_{i:020d}",
            "source": rng.choice(SOURCES),
            "source_offer_id": str(i),
            "status": "open" if rng.random() < 0.97 else "closed",
            "first_seen_at": posted,
            "last_seen_at": now,
            "closed_at": None,
            "updated_at": now,
            "url": f"https://jobs.example/{i}",
            "apply_url": None,
            "title": f"{title} (H/F)" if not english else title,
            "company": f"Entreprise {rng.randint(1, 40000)}",
            "description": description,
            "description_html": None,
            "location_raw": f"{place['postal_code']} {place['city']}",
            **place,
            "remote": rng.choice(["onsite", "onsite", "hybrid", "remote", None]),
            "contract_type": rng.choices(contracts, contract_weights)[0],
            "working_time": rng.choice(["full_time", "full_time", "full_time", "part_time"]),
            "salary_min": round(low * factor) if has_salary else None,
            "salary_max": round(high * factor) if has_salary else None,
            "salary_currency": "EUR" if has_salary else None,
            "salary_period": ("month" if monthly else "year") if has_salary else None,
            "salary_raw": None,
            "posted_at": posted,
            "valid_through": None,
            "language": "en" if english else "fr",
        }
        row.update(search_columns(row, dialect))
        yield row


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _posting(row: dict[str, Any], number: int) -> dict[str, Any]:
    return {
        "id": number,
        "source": row["source"],
        "source_offer_id": row["source_offer_id"],
        "content_hash": "0" * 32,
        "first_seen_at": row["first_seen_at"],
        "last_seen_at": row["last_seen_at"],
        "changed_at": row["first_seen_at"],
        "url": row["url"],
        "title": row["title"],
        "description": "",
    }


def _copy(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL ``COPY FROM STDIN`` of ``rows`` (the server computes generated columns)."""
    columns = list(rows[0])
    raw = engine.raw_connection()
    try:
        pg: Any = raw.driver_connection
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with pg.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        raw.commit()
    finally:
        raw.close()


def fill(engine: Engine, n: int) -> None:
    """Insert ``n`` generated offers, one posting and one provenance link each."""
    dialect = engine.dialect.name
    now = datetime(2026, 11, 20, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(sources),
            [{"key": s, "name": s, "priority": 0, "external": False, "enabled": True,
              "created_at": now} for s in SOURCES],
        )  # fmt: skip
    number = 0
    for batch in _batches(generate(n, dialect), 5000):
        links, posts = [], []
        for row in batch:
            number += 1
            posts.append(_posting(row, number))
            links.append(
                {"posting_id": number, "offer_id": row["offer_id"], "rule": "founder",
                 "score": None, "linked_at": now}
            )  # fmt: skip
        if dialect == "postgresql":
            for table, rows in (("offers", batch), ("postings", posts), ("offer_postings", links)):
                _copy(engine, table, rows)
            continue
        with engine.begin() as conn:
            conn.execute(insert(offers), batch)
            conn.execute(insert(postings), posts)
            conn.execute(insert(offer_postings), links)
    if dialect == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('postings', 'id'), max(id)) FROM postings"
            )
