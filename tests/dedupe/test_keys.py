"""Comparison keys: gender markers, legal suffixes, arrondissements, accents, salaries, URLs."""

from __future__ import annotations

import pytest

from aggregator.schema import SalaryPeriod
from dedupe.fingerprint import description_print, jaccard_estimate, normalize_description
from dedupe.keys import (
    Keys,
    company_key,
    compute_keys,
    is_agency,
    stated_remote,
    stated_weekly_hours,
    stated_working_time,
    title_key,
    url_key,
)
from dedupe.places import arrondissement_code, city_key, department, make_place
from dedupe.records import DedupeRecord
from dedupe.salary import annualize, salary_compatible, same_pay
from dedupe.scoring import abbreviates, title_score
from dedupe.text import fold
from dedupe.vetoes import other_country, other_town


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Développeur Python (H/F)", "developpeur python"),
        ("Développeur Python H/F", "developpeur python"),
        ("Développeur Python F/H", "developpeur python"),
        ("Développeur Python (m/w/d)", "developpeur python"),
        ("Développeur Python (w/m/d)", "developpeur python"),
        ("Développeur Python M/F", "developpeur python"),
        ("Développeur Python [h-f]", "developpeur python"),
        ("Développeur·se Python", "developpeur python"),
        ("Chargé(e) de clientèle", "charge clientele"),
        ("Un(e) assistant(e) comptable", "assistant comptable"),
        ("Sr Développeur Python", "senior developpeur python"),
        ("Ingénieur C++ / C#", "ingenieur c++ c#"),
        ("URGENT - Comptable CDI", "comptable"),
    ],
)
def test_title_key_folds_markers_stopwords_and_accents(raw: str, expected: str) -> None:
    assert title_key(raw)[0] == expected


def test_title_key_keeps_seniority() -> None:
    assert title_key("Comptable senior H/F")[0] != title_key("Comptable junior H/F")[0]
    assert "senior" in title_key("Comptable Senior (F/H)")[1]


def test_title_key_spells_out_acronyms_and_drops_contract_working_time_and_town() -> None:
    assert title_key("IDE de nuit")[0] == "infirmier diplome etat nuit"
    assert title_key("DRH (H/F)")[0] == title_key("Directeur Ressources Humaines")[0]
    assert title_key("Conducteur routier PL")[0] == "conducteur routier poids lourd"
    assert title_key("Cariste à temps partiel - Intérim (H/F)")[0] == "cariste"
    assert title_key("Delivery Driver (12 month FTC)")[0] == "delivery driver 12 month"
    assert title_key("Pflegefachkraft in Teilzeit (m/w/d)")[0] == "pflegefachkraft"
    assert title_key("Chef de rang - Paris", "paris")[0] == "chef rang"
    assert title_key("Paris", "paris")[0] == "paris"  # nothing else left: the words stay

    def keys(title: str, city: str) -> Keys:
        return compute_keys(DedupeRecord("k", "s", "1", "https://x.example/1", title, city=city))

    spelled, short = keys("Infirmier diplômé d'État", "Lyon"), keys("IDE - Lyon", "Lyon")
    assert title_score(spelled, short) == 1.0


def test_title_key_does_not_eat_words_containing_marker_letters() -> None:
    assert title_key("Chef de projet MOA/MOE")[0] == "chef projet moa moe"
    assert title_key("Technicien HF radio")[0] == "technicien hf radio"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme SAS", "acme"),
        ("ACME", "acme"),
        ("Groupe A.C.M.E. France", "acme"),
        ("Bosch GmbH & Co. KG", "bosch"),
        ("Société Générale S.A.", "societe generale"),
        ("Müller Logistik GmbH", "muller logistik"),
        ("Acme Ltd", "acme"),
        ("Acme Inc.", "acme"),
        ("SARL Boulangerie Dupont", "boulangerie dupont"),
        ("EURL Lefèvre", "lefevre"),
    ],
)
def test_company_key_drops_legal_forms_and_accents(raw: str, expected: str) -> None:
    assert company_key(raw)[0] == expected


def test_company_key_gives_acronym_and_survives_suffix_only_names() -> None:
    assert company_key("Banque Nationale de Paris")[1] == "bnd?p"
    assert abbreviates("bnd?p", "bnp") and abbreviates("bnd?p", "bndp")
    assert company_key("SAS")[0] == "sas"
    assert company_key(None) == ("", "")


@pytest.mark.parametrize(
    ("name", "acronym"),
    [
        ("Banque du Lys", "BDL"),
        ("Banque du Lys SA", "BL"),
        ("Fiduciaire de l'Ouest", "FDO"),
        ("Électricité du Bocage SARL", "EDB"),
        ("Net Services Île-de-France", "NSIF"),
    ],
)
def test_an_acronym_spells_the_particles_or_not(name: str, acronym: str) -> None:
    """Boards abbreviate an employer with the particles' initials (EDF) or without (BNP)."""
    pattern = company_key(name)[1]
    assert abbreviates(pattern, company_key(acronym)[0])
    assert not abbreviates(pattern, "bdo") and not abbreviates(pattern, company_key(name)[0])


@pytest.mark.parametrize(
    "raw",
    [
        "Paris",
        "Paris 15e",
        "PARIS 15",
        "Paris XVe",
        "Paris 15ème arrondissement",
        "Paris Cedex 08",
        "75015 Paris",
        "Paris (75)",
    ],
)
def test_city_key_collapses_arrondissements(raw: str) -> None:
    assert city_key(raw) == "paris"


def test_city_key_spellings_and_aliases() -> None:
    assert city_key("St-Étienne") == city_key("Saint Etienne") == "saint etienne"
    assert city_key("Lyon 3e") == "lyon"
    assert city_key("München") == city_key("Munich") == "munchen"
    assert city_key("Vic-en-Bigorre") == "vic en bigorre"
    assert city_key("Lille") == "lille"
    assert city_key("Lyon") != city_key("Lille")
    assert city_key("Ivry-sur-Seine") == "ivry sur seine"


def test_department_from_french_postal_codes_only() -> None:
    assert department("75015", "FR") == "75"
    assert department("97400", "FR") == "974"
    assert department("10115", "DE") == ""
    assert (
        make_place("Saint-Denis", "93200", "FR").department
        != make_place("Saint-Denis", "97400", "FR").department
    )


def test_salary_annualized_across_periods() -> None:
    yearly = annualize(35000, 40000, "EUR", SalaryPeriod.YEAR)
    monthly = annualize(2917, 3333, "EUR", SalaryPeriod.MONTH)
    assert yearly is not None and monthly is not None
    assert monthly.low == pytest.approx(35004)
    assert salary_compatible(yearly, monthly) is True
    far = annualize(50000, 55000, "EUR", SalaryPeriod.YEAR)
    assert far is not None and salary_compatible(yearly, far) is False
    dollars = annualize(50000, 55000, "USD", SalaryPeriod.YEAR)
    assert dollars is not None and salary_compatible(yearly, dollars) is None
    assert annualize(None, None, "EUR", None) is None


def test_url_key_drops_tracking_and_cosmetics() -> None:
    assert url_key("https://www.Example.com/jobs/12/?utm_source=x&id=3#apply") == url_key(
        "http://example.com/jobs/12?id=3"
    )
    assert url_key("https://example.com/jobs/12") != url_key("https://example.com/jobs/13")


LONG = (
    "Nous recherchons un comptable fournisseurs pour notre siège de Lyon. "
    "Vous saisirez les factures, suivrez les règlements et participerez aux clôtures mensuelles. "
    "Vous travaillerez avec une équipe de six personnes et le contrôle de gestion. "
    "Formation comptable bac+2 minimum, trois ans d'expérience sur un poste similaire."
)


def test_description_boilerplate_is_ignored() -> None:
    framed = "Offre publiée sur JobBoard.fr le 3 mars.\n" + LONG + "\nPostulez dès maintenant !"
    assert normalize_description(framed) == normalize_description(LONG)
    a, b = description_print(framed), description_print(LONG)
    assert a is not None and b is not None and a.digest == b.digest


def test_an_opening_phrase_is_boilerplate_only_where_a_sentence_opens_with_it() -> None:
    text = "Wir suchen eine Buchhalterin in Köln. Bei Eintritt erhalten Sie ein Tablet."
    kept = normalize_description(text)
    assert normalize_description(text + "\nEintritt: Januar 2027.") == kept
    assert "tablet" in kept and "eintritt" in kept


def test_minhash_is_deterministic_and_estimates_similarity() -> None:
    a = description_print(LONG)
    b = description_print(LONG.replace("six", "sept"))
    other = description_print(
        "Boulangerie artisanale cherche vendeur pour le week-end, accueil des clients, "
        "mise en place de la vitrine, encaissement et entretien du magasin chaque jour."
    )
    assert a is not None and b is not None and other is not None
    assert a.signature == description_print(LONG).signature  # type: ignore[union-attr]
    assert a.signature and b.signature and other.signature
    assert jaccard_estimate(a.signature, b.signature) > 0.6
    assert jaccard_estimate(a.signature, other.signature) < 0.2
    assert len(a.band_keys()) == 16


def test_staffing_agencies_are_recognized() -> None:
    assert is_agency("Intérim Plus SAS")
    assert is_agency("ArbeitPlus Personaldienste GmbH")
    assert is_agency("Talentis Recrutement")
    assert not is_agency("Maison Lumen")
    assert not is_agency(None)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Paris 15e", "75015"),
        ("Paris XVe", "75015"),
        ("75015 Paris", "75015"),
        ("PARIS CEDEX 08", "75008"),
        ("Lyon 3ème", "69003"),
        ("Marseille 1er", "13001"),
        ("Paris", ""),
        ("Lyon 12e", ""),  # Lyon has nine arrondissements
        ("Nantes 2", ""),
    ],
)
def test_arrondissement_gives_the_postal_code(raw: str, code: str) -> None:
    assert arrondissement_code(raw) == code
    assert make_place(raw, None, "FR").postal_code == code


def test_town_centre_coordinates_do_not_locate_a_site() -> None:
    centre = make_place("Paris", None, "FR", 48.8566, 2.3429)  # what the geocoder gives
    site = make_place("Paris", "75019", "FR", 48.8829, 2.3822)
    assert not centre.precise and site.precise
    assert not make_place("Paris", None, "FR").precise


def test_a_country_alone_locates_nothing() -> None:
    """A board's default country (no town, postal code or coordinates) is no other country."""
    default = make_place(None, None, "GB")
    assert not default.located
    assert make_place("Paris", None, "FR").located and make_place(None, "75019", "FR").located
    assert make_place(None, None, "FR", 48.8566, 2.3429).located
    paris = make_place("Paris", None, "FR")
    assert not other_country(paris, default) and not other_town(paris, default)
    assert other_country(paris, make_place("London", None, "GB"))
    assert not other_country(default, make_place(None, None, "FR"))


def test_pay_lines_and_line_breaks_in_descriptions() -> None:
    head = "Vos missions\n- Tenir la caisse\n"
    one = head + "Rémunération : 52 000 – 64 000 € brut annuel\nPoste en CDI"
    two = head + "- Salaire : annuel de 52000.00 euros\nPoste en CDI"
    assert normalize_description(one) == normalize_description(two)
    # a line break ends a sentence: the footer does not swallow the line before it
    text = "Temps plein (35 h/semaine)\nConformément à la loi, nos offres sont ouvertes à tous."
    assert normalize_description(text) == ["temps", "plein", "35", "h", "semaine"]


def test_fold_spellings() -> None:
    assert fold("Chargé  Clientèle\u2019s ŒUVRE Straße") == "charge clientele's oeuvre strasse"
    assert fold("  plain  ascii\ttext ") == "plain ascii text"


def test_stated_working_time_reads_the_title_first_then_the_text() -> None:
    assert stated_working_time("MÉCANICIEN À TEMPS PARTIEL - CDI", "") == "part_time"
    assert stated_working_time("Pflegekraft in Teilzeit (m/w/d)", "") == "part_time"
    assert stated_working_time("Cook", "Contract: permanent - Full time (40 hours)") == "full_time"
    assert stated_working_time("Vendeur", "Contrat : CDI - Temps plein (35 h)") == "full_time"
    # the title wins over the text; naming both says nothing; no phrase says nothing
    assert stated_working_time("Vendeur - Temps partiel", "Temps plein possible") == "part_time"
    assert stated_working_time("Vendeur", "temps plein ou temps partiel") == ""
    assert stated_working_time("Vendeur", "Horaires du mardi au samedi") == ""
    assert stated_working_time("Planner", "a timeless part of our team") == ""


def test_same_pay_needs_both_bounds_equal_in_one_currency() -> None:
    hourly = annualize(12.5, 14.2, "EUR", SalaryPeriod.HOUR)
    rounded = annualize(12.52, 14.19, "EUR", SalaryPeriod.HOUR)
    assert same_pay(hourly, rounded)
    assert not same_pay(hourly, annualize(12.5, 15.0, "EUR", SalaryPeriod.HOUR))
    assert not same_pay(hourly, annualize(12.5, 14.2, "GBP", SalaryPeriod.HOUR))
    assert not same_pay(hourly, None) and not same_pay(None, None)


def test_same_pay_tolerates_a_board_rounding_the_amounts() -> None:
    exact = annualize(45500, 58000, "EUR", SalaryPeriod.YEAR)
    in_k = annualize(46000, 58000, "EUR", SalaryPeriod.YEAR)  # "46-58 k€"
    assert same_pay(exact, in_k) and same_pay(in_k, exact)
    half_down = annualize(48000, 62000, "EUR", SalaryPeriod.YEAR)  # "48-62 k€" for 48.5-62.5
    assert same_pay(annualize(48500, 62500, "EUR", SalaryPeriod.YEAR), half_down)
    monthly = annualize(2280, 2750, "EUR", SalaryPeriod.MONTH)
    assert same_pay(monthly, annualize(2300, 2800, "EUR", SalaryPeriod.MONTH))  # hundreds
    assert same_pay(
        annualize(14.72, 16.5, "EUR", SalaryPeriod.HOUR),
        annualize(14.5, 16.5, "EUR", SalaryPeriod.HOUR),
    )
    # a round amount stands for half a step either side, no more
    assert not same_pay(exact, annualize(47000, 58000, "EUR", SalaryPeriod.YEAR))
    assert not same_pay(monthly, annualize(2400, 2800, "EUR", SalaryPeriod.MONTH))
    # two amounts neither of which is round are compared within 1%
    assert not same_pay(exact, annualize(46100, 58000, "EUR", SalaryPeriod.YEAR))


def test_stated_weekly_hours_and_remote_work_read_every_board_spelling() -> None:
    assert stated_weekly_hours("Vendeur", "Contrat : CDI - Temps plein (35 h/semaine)") == 35.0
    assert (
        stated_weekly_hours("Cook", "Contract: Permanent - Full time (37,5 hours per week)") == 37.5
    )
    assert stated_weekly_hours("Koch", "Vertrag: Unbefristet - Vollzeit (38,5 Std./Woche)") == 38.5
    assert stated_weekly_hours("Agent (24h hebdomadaires)", "Temps plein 35 h/semaine") == 24.0
    assert stated_weekly_hours("Driver", "a 40-hour week on the road") == 40.0
    assert stated_weekly_hours("Vendeur", "Ouvert 7 j/7, 35 h puis 39 h") is None  # no week
    assert stated_weekly_hours("Vendeur", "35 h/semaine l'hiver, 39 h/semaine l'été") is None
    assert stated_weekly_hours("Vendeur", "Remise de 135 h/semaine") is None  # not an hour count
    assert (
        stated_remote("Dev", "Organisation : Télétravail partiel (2 jours par semaine)") == "hybrid"
    )
    assert stated_remote("Dev", "Working pattern: Hybrid (2 days a week in the office)") == "hybrid"
    assert stated_remote("Dev", "Arbeitsort: Hybrid (2 Tage Homeoffice pro Woche)") == "hybrid"
    assert stated_remote("Dev", "Arbeitsort: 100 % remote") == "remote"
    assert stated_remote("Dev", "Organisation : Télétravail complet") == "remote"
    assert stated_remote("Dev", "Garantir la sécurité sur site") == ""
    assert stated_remote("Dev", "Télétravail complet ou hybride au choix") == ""
