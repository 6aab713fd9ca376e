"""Pairwise decisions on hard cases: what must merge, what must never merge, and why."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

from aggregator.schema import ContractType, SalaryPeriod, WorkingTime
from dedupe.fingerprint import normalize_description
from dedupe.keys import compute_keys
from dedupe.records import DedupeRecord
from dedupe.scoring import DEFAULT_CONFIG, compare, explain
from dedupe.vetoes import other_town
from normalizers.gazetteer import get_gazetteer

from .cases import BASE, LUMEN_TEXT, T0, copy_of, days
from .synthetic import market

AGENCY_TEXT = (
    "Intérim Plus recrute pour son client, {client}, un préparateur de commandes. "
    "Au sein de l'entrepôt, vous {tasks}. Poste en horaires {hours}, {pay}. "
    "Profil : première expérience en logistique souhaitée, CACES 1 apprécié. "
    "Mission de {weeks} semaines renouvelable, démarrage immédiat."
)


# --- must merge -------------------------------------------------------------------------


def test_reworded_title_and_company_spelling_merge() -> None:
    other = copy_of(BASE, "hellowork", "A-77", title="Comptable Fournisseurs F/H", company="ACME")
    assert not explain(BASE, other).match  # company "acme" is another company
    other = copy_of(
        BASE, "hellowork", "A-77", title="Comptable Fournisseurs F/H", company="MAISON LUMEN"
    )
    result = explain(BASE, other)
    assert result.match and result.rule == "score"


def test_gender_markers_of_two_languages_merge() -> None:
    de = copy_of(BASE, "stepstone-fr", "9", title="Comptable fournisseurs (m/w/d)")
    assert explain(BASE, de).match


def test_legal_suffix_and_case_merge() -> None:
    acme = copy_of(BASE, "apec", "1", company="Acme SAS")
    other = copy_of(BASE, "indeed-fr", "2", company="ACME")
    assert explain(acme, other).fields["company"] == 1.0
    assert explain(acme, other).match


def test_arrondissement_spellings_merge() -> None:
    a = copy_of(BASE, "apec", "1", city="Paris 15e", postal_code=None)
    b = copy_of(BASE, "indeed-fr", "2", city="Paris", postal_code="75015")
    assert explain(a, b).match


def test_truncated_description_with_board_boilerplate_merges() -> None:
    cut = LUMEN_TEXT[:300] + "…"
    other = copy_of(
        BASE,
        "indeed-fr",
        "xyz",
        description=f"Offre publiée sur Indeed.\n{cut}\nPostulez dès maintenant !",
        posted_at=T0 + days(2),
    )
    result = explain(BASE, other)
    assert result.match, result.render()
    assert (result.fields["description"] or 0) > 0.9


def test_an_excerpt_showing_the_employers_later_edit_note_merges() -> None:
    intro, rest = LUMEN_TEXT.split(". ", 1)
    noted = f"{intro}.\nMise à jour : les entretiens ont lieu la semaine prochaine.\n{rest}"
    excerpt = copy_of(BASE, "az-fr", "1", description=noted[:420] + "…")
    result = explain(BASE, excerpt)
    assert result.match and (result.fields["description"] or 0.0) >= 0.9, result.render()
    # the note is left out of the fingerprint, not the sentences beside it
    assert normalize_description(noted) == normalize_description(LUMEN_TEXT)


def test_salary_rounded_or_monthly_merges() -> None:
    monthly = copy_of(
        BASE,
        "francetravail",
        "180HSFM",
        salary_min=2900,
        salary_max=3350,
        salary_period=SalaryPeriod.MONTH,
    )
    assert explain(BASE, monthly).match
    rounded = copy_of(BASE, "apec", "7", salary_min=35000, salary_max=None)
    assert explain(BASE, rounded).match


def test_dates_a_few_days_apart_merge() -> None:
    later = copy_of(BASE, "hellowork", "5", posted_at=T0 + days(5))
    assert explain(BASE, later).match


def test_within_source_duplicate_merges() -> None:
    twin = copy_of(BASE, "welcome", "4412", posted_at=T0 + days(1))
    assert explain(BASE, twin).match


def test_repost_after_close_merges_but_long_after_is_new() -> None:
    closed = copy_of(BASE, "welcome", "4411", closed_at=T0 + days(20))
    repost = copy_of(BASE, "welcome", "5001", posted_at=T0 + days(35))
    assert explain(closed, repost).match
    late = copy_of(BASE, "welcome", "6001", posted_at=T0 + days(20 + 90))
    result = explain(closed, late)
    assert not result.match and result.rule == "veto:republished"


def test_same_board_id_merges_even_if_edited() -> None:
    edited = replace(BASE, key="k2", title="Comptable fournisseurs confirmé (H/F)")
    assert explain(BASE, edited).rule == "same_source_id"


# --- must never merge ---------------------------------------------------------------------


def test_same_role_same_company_other_city_does_not_merge() -> None:
    lyon = copy_of(BASE, "hellowork", "8", city="Lyon 3e", postal_code="69003")
    result = explain(BASE, lyon)
    assert not result.match and result.rule == "veto:place"


def test_other_role_same_company_does_not_merge() -> None:
    other = copy_of(
        BASE,
        "hellowork",
        "9",
        title="Contrôleur de gestion (H/F)",
        description=LUMEN_TEXT.replace("comptabilité fournisseurs", "le contrôle de gestion"),
    )
    result = explain(BASE, other)
    assert not result.match and result.rule == "title_differs"


def test_chain_template_in_two_towns_does_not_merge() -> None:
    text = (
        "Boulangeries Dupont recrute un vendeur pour sa boutique. Vous accueillez les clients, "
        "mettez en place la vitrine, encaissez et entretenez le magasin. Horaires du mardi au "
        "samedi, débutant accepté, formation assurée par nos équipes en boutique."
    )
    nantes = copy_of(
        BASE,
        "francetravail",
        "1",
        title="Vendeur en boulangerie H/F",
        company="Boulangeries Dupont",
        description=text,
        city="Nantes",
        postal_code="44000",
        salary_min=None,
        salary_max=None,
    )
    rennes = copy_of(nantes, "francetravail", "2", city="Rennes", postal_code="35000")
    assert explain(nantes, rennes).rule == "veto:place"
    # same name, other département (Saint-Denis 93 / La Réunion)
    a = copy_of(nantes, "apec", "3", city="Saint-Denis", postal_code="93200")
    b = copy_of(nantes, "apec", "4", city="Saint-Denis", postal_code="97400")
    assert explain(a, b).rule == "veto:place"


def test_staffing_agency_missions_for_two_clients_do_not_merge() -> None:
    one = copy_of(
        BASE,
        "indeed-fr",
        "1",
        title="Préparateur de commandes H/F",
        company="Intérim Plus",
        city="Lille",
        postal_code="59000",
        contract_type=ContractType.TEMPORARY,
        salary_min=None,
        salary_max=None,
        description=AGENCY_TEXT.format(
            client="un acteur de la grande distribution",
            tasks="préparez les commandes au scanner et chargez les camions",
            hours="de journée",
            pay="11,88 € de l'heure",
            weeks="six",
        ),
    )
    two = copy_of(
        one,
        "indeed-fr",
        "2",
        posted_at=T0 + days(1),
        description=AGENCY_TEXT.format(
            client="un e-commerçant de la mode",
            tasks="emballez les colis et contrôlez la qualité des retours clients",
            hours="en 2x8",
            pay="12,10 € de l'heure plus primes",
            weeks="douze",
        ),
    )
    result = explain(one, two)
    assert not result.match and result.rule == "description_differs", result.render()


def test_same_title_other_contract_or_working_time_does_not_merge() -> None:
    cdd = copy_of(BASE, "apec", "1", contract_type=ContractType.FIXED_TERM)
    assert explain(BASE, cdd).rule == "veto:contract"
    part = copy_of(BASE, "apec", "2", working_time=WorkingTime.PART_TIME)
    assert explain(BASE, part).rule == "veto:working_time"


def test_other_weekly_hours_or_remote_work_stated_does_not_merge() -> None:
    week35 = replace(BASE, description=LUMEN_TEXT + " Temps plein, 35 h/semaine.")
    week39 = copy_of(BASE, "apec", "1", description=LUMEN_TEXT + " Temps plein, 39 h/semaine.")
    result = explain(week35, week39)
    assert result.rule == "veto:working_time" and "35 h" in result.reasons[0], result.render()
    same_week = copy_of(week35, "apec", "2")
    assert explain(week35, same_week).match
    unstated = copy_of(BASE, "apec", "3")  # one text silent on the week: no conflict
    assert explain(week35, unstated).match
    hybrid = replace(BASE, description=LUMEN_TEXT + " Organisation : télétravail partiel.")
    remote = copy_of(BASE, "apec", "4", description=LUMEN_TEXT + " Télétravail complet.")
    assert explain(hybrid, remote).rule == "veto:remote"


def test_incompatible_salary_or_country_does_not_merge() -> None:
    rich = copy_of(BASE, "apec", "1", salary_min=52000, salary_max=58000)
    assert explain(BASE, rich).rule == "veto:salary"
    belgian = copy_of(BASE, "apec", "2", country="BE", city="Bruxelles")
    assert explain(BASE, belgian).rule == "veto:country"


def test_a_remote_boards_default_country_is_no_other_country() -> None:
    """A board without a location field lists every ad in its own country ("GB")."""
    text = "Maison Lumen recrute un(e) comptable fournisseurs à Paris. " + LUMEN_TEXT
    employer = replace(BASE, description=text)
    remote_board = copy_of(employer, "remotive", "1", city=None, country="GB")
    assert explain(employer, remote_board).match
    assert explain(copy_of(employer, "az-fr", "2", city=None), remote_board).match
    # a country given with a town is where the job is
    london = copy_of(remote_board, "remotive", "3", city="London")
    assert explain(employer, london).rule == "veto:country"
    # two boards' defaults: the town each text names still tells two sites apart
    lyon_text = text.replace("à Paris", "à Lyon")
    lyon = copy_of(employer, "remotive", "4", city=None, country="GB", description=lyon_text)
    assert explain(copy_of(employer, "az-fr", "5", city=None), lyon).rule == "veto:place"


def test_an_employer_abbreviated_by_its_initials_with_particles_merges() -> None:
    text = LUMEN_TEXT.replace("Maison Lumen", "La Fiduciaire de l'Ouest")
    employer = replace(BASE, company="Fiduciaire de l'Ouest", description=text)
    assert explain(employer, copy_of(employer, "az-fr", "1", company="FDO")).match
    assert explain(employer, copy_of(employer, "az-fr", "2", company="FO")).match
    other = copy_of(employer, "az-fr", "3", company="FDA")
    assert explain(employer, other).rule == "company_differs"


def test_thin_copy_without_description_needs_company_place_and_close_dates() -> None:
    bare = copy_of(BASE, "rss-board", "1", description="")
    assert explain(BASE, bare).match
    no_company = copy_of(bare, "rss-board", "2", company=None)
    assert explain(BASE, no_company).rule == "insufficient_evidence"
    stale = copy_of(bare, "rss-board", "3", posted_at=T0 + days(40))
    assert not explain(BASE, stale).match


# --- explanation ---------------------------------------------------------------------------


def test_explanation_renders_fields_rule_and_reasons() -> None:
    lyon = copy_of(BASE, "hellowork", "8", city="Lyon", postal_code="69003")
    text = explain(BASE, lyon).render()
    assert "decision: no match (veto:place)" in text
    assert "city 'lyon' != 'paris'" in text or "city 'paris' != 'lyon'" in text
    match = explain(BASE, copy_of(BASE, "apec", "1")).render()
    assert "decision: match" in match and "title" in match and "total" in match


# --- place evidence: chains, arrondissements, one board's twin ads ----------------------


def test_two_sites_of_a_chain_in_one_city_do_not_merge() -> None:
    north = copy_of(BASE, "apec", "1", city="Toulouse", postal_code="31000")
    north = replace(north, latitude=43.6300, longitude=1.4000)
    south = copy_of(north, "indeed-fr", "2", latitude=43.5800, longitude=1.4700)
    result = explain(north, south)
    assert not result.match and result.rule == "veto:place"
    near = copy_of(north, "indeed-fr", "3", latitude=43.6350, longitude=1.4050)
    assert explain(north, near).match  # two boards' coordinates of one site


def test_city_of_arrondissements_without_the_site_splits_only_when_asked() -> None:
    located = copy_of(BASE, "apec", "1", city="Paris", postal_code="75019")
    centre = copy_of(BASE, "indeed-fr", "2", city="Paris", latitude=48.8566, longitude=2.3429)
    strict = replace(DEFAULT_CONFIG, split_city_site=True)
    result = explain(located, centre, strict)
    assert not result.match and result.rule == "site_unknown"
    site = replace(centre, latitude=48.8829, longitude=2.3822)  # a site's coordinates
    assert explain(located, site, strict).match
    # by default the pair matches: the engine keeps a chain's sites apart (test_engine)
    assert explain(located, centre).match


def test_one_board_lists_a_template_once_per_site() -> None:
    nantes = copy_of(BASE, "welcome", "1", city="Nantes", postal_code=None)
    twin = copy_of(nantes, "welcome", "2", posted_at=T0 + days(1))
    result = explain(nantes, twin)
    assert not result.match and result.rule == "same_board_place"
    assert explain(replace(nantes, postal_code="44000"), replace(twin, postal_code="44000")).match
    assert explain(nantes, copy_of(twin, "apec", "3")).match  # another board: no such rule


def test_town_named_in_one_text_when_neither_gives_a_place_does_not_merge() -> None:
    text = "Atelier Cobalt recrute un ingénieur DevOps basé à {town}. " + LUMEN_TEXT
    grenoble = copy_of(BASE, "apec", "1", city=None, description=text.format(town="Grenoble"))
    lyon = copy_of(grenoble, "indeed-fr", "2", description=text.format(town="Lyon"))
    result = explain(grenoble, lyon)
    assert not result.match and result.rule == "veto:place"
    assert explain(grenoble, copy_of(grenoble, "indeed-fr", "3")).match


def test_a_function_word_named_like_a_town_is_no_town() -> None:
    # "sur" is also Sur, a town of Oman: a board's "sur la région" names no place
    body = (
        "Vous prenez en charge la comptabilité fournisseurs : saisie et contrôle des factures, "
        "rapprochements, relances et préparation des règlements. Vous participez aux clôtures "
        "mensuelles et annuelles. Profil : Bac+2 en comptabilité, trois ans d'expérience, rigueur."
    )
    sur = copy_of(
        BASE, "apec", "1", city=None, description="Poste à pourvoir sur la région. " + body
    )
    dans = copy_of(sur, "indeed-fr", "2", description="Poste à pourvoir dans la région. " + body)
    assert explain(sur, dans).match, explain(sur, dans).render()
    lyon = copy_of(sur, "hellowork", "3", description="Poste à pourvoir à Lyon. " + body)
    assert explain(dans, lyon).rule == "veto:place"


def test_retitled_copy_with_the_same_text_merges_only_the_same_week() -> None:
    retitled = copy_of(BASE, "indeed-fr", "1", title="Gestionnaire factures", posted_at=T0)
    assert explain(BASE, retitled).match
    later = replace(retitled, posted_at=T0 + days(30))
    assert not explain(BASE, later).match


# --- staffing agencies reposting a client's ad, texts stating what fields miss ----------

EMPLOYER_TEXT = (
    "Logistique Dumas recrute un préparateur de commandes pour son entrepôt de Lille. "
    "Vos missions : préparer les commandes à l'aide d'un terminal, charger et décharger les "
    "camions, participer aux inventaires. Profil : première expérience réussie sur un poste "
    "similaire, rigueur et ponctualité. Nous vous proposons : mutuelle, tickets restaurant."
)
AGENCY_REPOST_TEXT = (
    "Intérim Plus recherche pour son client, un leader de la logistique, un préparateur de "
    "commandes à Lille. Vos missions : préparer les commandes à l'aide d'un terminal, charger "
    "et décharger les camions, participer aux inventaires. Profil : débutant accepté, CACES 1 "
    "apprécié. Mission longue, démarrage immédiat."
)


def _employer_and_agency() -> tuple[DedupeRecord, DedupeRecord]:
    employer = copy_of(
        BASE,
        "careers-dumas",
        "PC-12",
        title="Préparateur de commandes H/F",
        company="Logistique Dumas",
        description=EMPLOYER_TEXT,
        city="Lille",
        postal_code="59000",
        contract_type=ContractType.TEMPORARY,
        salary_min=12.4,
        salary_max=13.1,
        salary_period=SalaryPeriod.HOUR,
    )
    agency = copy_of(
        employer,
        "interim-plus",
        "IP-9",
        title="Préparateur de commandes (H/F)",
        company="Intérim Plus",
        description=AGENCY_REPOST_TEXT,
        posted_at=T0 + days(1),
    )
    return employer, agency


def test_agency_repost_of_an_employer_ad_merges_on_the_same_pay() -> None:
    employer, agency = _employer_and_agency()
    result = explain(employer, agency)
    assert result.match and result.rule == "agency_repost", result.render()
    cents = replace(agency, salary_min=12.41, salary_max=13.09)  # rounding of another board
    assert explain(employer, cents).match


def test_agency_repost_without_equal_pay_or_elsewhere_does_not_merge() -> None:
    employer, agency = _employer_and_agency()
    unpaid = replace(agency, salary_min=None, salary_max=None)
    result = explain(employer, unpaid)
    assert not result.match and result.rule == "agency_repost_no"
    assert any("same pay" in reason for reason in result.reasons)
    other_pay = replace(agency, salary_min=12.0, salary_max=12.9)  # compatible, not equal
    assert not explain(employer, other_pay).match
    roubaix = replace(agency, city="Roubaix", postal_code="59100")
    assert explain(employer, roubaix).rule == "veto:place"
    weeks_later = replace(agency, posted_at=T0 + days(12))
    assert not explain(employer, weeks_later).match


AGENCY_COPY_TEXT = (
    "Intérim Plus recherche pour son client. Logistique recrute un préparateur de commandes "
    "pour son entrepôt de Lille. Vos missions : préparer les commandes à l'aide d'un terminal, "
    "charger et décharger les camions, participer aux inventaires. Profil : première expérience "
    "réussie sur un poste similaire, rigueur et ponctualité."
)


def test_agency_repost_keeping_the_employer_text_merges_when_a_side_shows_no_pay() -> None:
    employer, agency = _employer_and_agency()
    copied = replace(agency, description=AGENCY_COPY_TEXT, salary_min=None, salary_max=None)
    result = explain(employer, copied)
    assert result.match and result.rule == "agency_repost", result.render()
    assert (result.fields["description"] or 0.0) >= 0.7
    other_pay = replace(copied, salary_min=12.0, salary_max=12.9)  # both published, not equal
    assert not explain(employer, other_pay).match
    rewritten = replace(agency, salary_min=None, salary_max=None)  # shares only the missions
    assert (explain(employer, rewritten).fields["description"] or 0.0) < 0.7


def test_working_time_stated_in_a_title_wins_over_a_mapped_field() -> None:
    part = copy_of(
        BASE, "apec", "1", title="Comptable fournisseurs à temps partiel (H/F)", working_time=None
    )
    part = replace(part, working_time=WorkingTime.PART_TIME)
    mapped_wrong = copy_of(part, "indeed-fr", "2", working_time=WorkingTime.FULL_TIME)
    assert explain(part, mapped_wrong).match
    # the structured fields alone still keep a part-time and a full-time vacancy apart
    plain = copy_of(BASE, "indeed-fr", "3", working_time=WorkingTime.PART_TIME)
    assert explain(BASE, plain).rule == "veto:working_time"
    stated_full = copy_of(BASE, "indeed-fr", "4", title="Comptable fournisseurs - temps plein")
    assert explain(part, stated_full).rule == "veto:working_time"


def test_a_commune_centre_and_a_site_of_one_postal_code_are_not_two_places() -> None:
    # a board geocodes "77500" to its gazetteer centre, another gives the site 5 km north
    commune = get_gazetteer().by_insee("77108")  # Chelles, the one commune of 77500
    assert commune is not None and commune.latitude is not None and commune.longitude is not None
    centre = copy_of(BASE, "ft-offres", "1", city="Chelles", postal_code="77500")
    centre = replace(centre, latitude=commune.latitude, longitude=commune.longitude)
    site = copy_of(centre, "proxi", "2", latitude=commune.latitude + 0.045)
    assert explain(centre, site).match, explain(centre, site).render()
    # another postal code, or two sites that far apart, stay apart
    assert explain(centre, replace(site, postal_code="77100")).rule == "veto:place"
    far = replace(site, latitude=49.2, longitude=2.9)
    assert explain(replace(centre, latitude=48.80, longitude=2.50), far).rule == "veto:place"


def test_a_site_and_the_centre_of_its_arrondissement_are_not_two_sites() -> None:
    site = copy_of(BASE, "az-fr", "1", city="Marseille", postal_code="13013")
    site = replace(site, latitude=43.31856, longitude=5.40836)
    centre = copy_of(site, "wd-cap-horizon", "2", latitude=43.3498, longitude=5.4338)  # 13e's
    assert explain(site, centre).match, explain(site, centre).render()
    # two sites of that arrondissement as far apart stay two sites
    other_site = replace(centre, latitude=43.3500, longitude=5.4400)
    assert explain(site, other_site).rule == "veto:place"


def test_two_geocodes_of_one_arrondissement_merge_two_arrondissements_do_not() -> None:
    a = copy_of(BASE, "apec", "1", city="Marseille", postal_code="13009")
    a = replace(a, latitude=43.2543, longitude=5.4057)
    b = copy_of(a, "indeed-fr", "2", latitude=43.2681, longitude=5.4170)  # 1.8 km off
    assert explain(a, b).match
    c = copy_of(b, "indeed-fr", "3", postal_code="13010")
    assert explain(a, c).rule == "veto:place"
    d = copy_of(b, "indeed-fr", "4", postal_code=None)  # no code: the sites must be close
    assert explain(a, d).rule == "veto:place"


def test_employer_copy_retitled_with_an_edited_text_merges_the_same_week() -> None:
    # a board that drops the line breaks of a list glues words ("serviceAvantages")
    edited = LUMEN_TEXT
    for joint in (". Vous participez", ". Profil", ". Avantages"):
        edited = edited.replace(joint, joint[2:])
    retitled = copy_of(BASE, "indeed-fr", "1", title="Gestionnaire factures", description=edited)
    result = explain(BASE, retitled)
    assert 0.9 <= (result.fields["description"] or 0) < 0.97, result.render()
    assert (result.fields["title"] or 0) < 0.65 and result.match, result.render()
    other_employer = replace(retitled, company="Atelier Cobalt")
    assert not explain(BASE, other_employer).match
    later = replace(retitled, posted_at=T0 + days(20))
    assert not explain(BASE, later).match


def test_other_town_is_compares_place_veto() -> None:
    """The engine's shortcut turns away exactly the pairs compare vetoes on the town."""
    records, _ = market(seed=41, vacancies=60)
    keyed = [(r, compute_keys(r)) for r in records]
    shortcut = 0
    for (a, ka), (b, kb) in combinations(keyed, 2):
        if other_town(ka.place, kb.place):
            shortcut += 1
            verdict = compare(b, kb, a, ka, closed_at=None)
            assert verdict.rule in ("veto:country", "veto:place"), verdict
    assert shortcut > 100


METZ_EMPLOYER_TEXT = (
    "Marché Plus, acteur de la grande distribution, recrute un(e) Préparateur de commandes "
    "pour son site de Metz.\nVos missions\n- Préparer les commandes à l'aide d'un terminal\n"
    "- Charger et décharger les camions\n- Participer aux inventaires\nVotre profil\n"
    "- Une expérience de 2 ans minimum est souhaitée.\n- Le permis B est un plus.\n"
    "Nous vous proposons\n- Contrat : Intérim - Temps plein (35 h/semaine)\n"
    "- Tickets restaurant\n- Prime annuelle sur objectifs\n- RTT\n"
    "Processus de recrutement : un entretien téléphonique puis une rencontre sur site."
)
METZ_AGENCY_TEXT = (
    "Notre agence Azur Intérim recrute pour l'un de ses clients (une PME familiale de "
    "l'agroalimentaire) un(e) Préparateur de commandes sur Metz.\nVos missions\n"
    "- Préparer les commandes à l'aide d'un terminal\n- Charger et décharger les camions\n"
    "- Participer aux inventaires\nVotre profil\n"
    "- Vous êtes rigoureux(se), organisé(e) et doté(e) d'un bon sens du relationnel.\n"
    "- Une expérience de 2 ans minimum est souhaitée.\nNous vous proposons\n"
    "- Contrat : Intérim - Temps plein (35 h/semaine)\n- Plan de formation individualisé\n"
    "- RTT\nProcessus de recrutement : un entretien téléphonique puis une rencontre sur site."
)


def _metz_pair() -> tuple[DedupeRecord, DedupeRecord]:
    employer = copy_of(
        BASE,
        "ft-interim",
        "959AYJU",
        title="Préparateur de commandes (H/F)",
        company="MARCHÉ PLUS SAS",
        description=METZ_EMPLOYER_TEXT,
        city="Metz",
        postal_code="57000",
        contract_type=ContractType.TEMPORARY,
        salary_min=None,
        salary_max=None,
        posted_at=T0 + days(1),
    )
    agency = copy_of(
        employer,
        "xf-azur-interim",
        "AZU-377110621",
        company="Azur Intérim",
        description=METZ_AGENCY_TEXT,
        posted_at=T0,
    )
    return employer, agency


def test_agency_repost_stating_the_employer_terms_merges() -> None:
    employer, agency = _metz_pair()
    result = explain(employer, agency)
    assert result.match and result.rule == "agency_repost", result.render()
    description = result.fields["description"] or 0.0
    assert DEFAULT_CONFIG.agency_terms <= description < DEFAULT_CONFIG.agency_text
    # every term must be stated alike by both: hours, contract, working time, remote work
    week39 = replace(agency, description=METZ_AGENCY_TEXT.replace("35 h", "39 h"))
    assert not explain(employer, week39).match
    unstated = replace(agency, description=METZ_AGENCY_TEXT.replace(" (35 h/semaine)", ""))
    assert not explain(employer, unstated).match
    fixed_term = replace(agency, contract_type=ContractType.FIXED_TERM)
    assert not explain(employer, fixed_term).match
    hybrid = replace(agency, description=METZ_AGENCY_TEXT + "\nTélétravail partiel.")
    assert not explain(employer, hybrid).match
    # the terms do not prove a repost published more than a day and a half apart
    later = replace(agency, posted_at=T0 - days(1))
    assert explain(employer, later).rule == "agency_repost_no"
    # the terms and missions name the role: a board's other title for it is no objection
    retitled = replace(agency, title="Préparateur logistique (H/F)")
    result = explain(employer, retitled)
    assert result.match and (result.fields["title"] or 0.0) < DEFAULT_CONFIG.agency_title
    other_role = replace(
        agency,
        title="Cariste (H/F)",
        description=METZ_AGENCY_TEXT.replace("Préparateur de commandes", "Cariste"),
    )
    assert explain(employer, other_role).rule == "agency_repost_no"
    unpaid_only = replace(retitled, description=METZ_AGENCY_TEXT.replace("35 h", "39 h"))
    assert not explain(employer, unpaid_only).match  # without the terms, the title must agree
    # nor a text that shares little more than the terms line
    bare = replace(
        agency,
        description=METZ_AGENCY_TEXT.split("Vos missions")[0]
        + "Contrat : Intérim - Temps plein (35 h/semaine).",
    )
    assert not explain(employer, bare).match


def test_two_roles_each_text_recruiting_its_own_do_not_merge() -> None:
    text = (
        "Menuiserie Roux, spécialiste de la menuiserie, recrute un(e) {title} "
        "pour son site d'Angers.\n"
        "Vos missions\n- Réaliser les installations électriques sur chantier\n"
        "- Lire et interpréter les schémas\n- Effectuer les mises en service et dépannages\n"
        "Votre profil\n- Une expérience de 2 ans minimum est souhaitée.\n"
        "Nous vous proposons\n- Contrat : Intérim - Temps plein (35 h/semaine)\n- RTT\n"
        "- Tickets restaurant\nEnvie de nous rejoindre ? Postulez en ligne !"
    )
    common = {
        "company": "Menuiserie Roux",
        "city": "Angers",
        "postal_code": "49000",
        "contract_type": ContractType.TEMPORARY,
    }
    building = copy_of(
        BASE,
        "apec",
        "1",
        title="Électricien bâtiment (H/F)",
        description=text.format(title="Électricien bâtiment"),
        **common,
    )
    industry = copy_of(
        BASE,
        "indeed-fr",
        "2",
        title="Électricien industriel",
        description=text.format(title="Électricien industriel"),
        **common,
    )
    result = explain(building, industry)
    assert result.rule == "veto:title", result.render()
    # a board's other title for the same ad: the text still names the role as the employer did
    retitled = replace(industry, description=building.description)
    assert explain(building, retitled).match
    # one title only more precise than the other is no contradiction
    plain = replace(industry, title="Électricien", description=text.format(title="Électricien"))
    assert explain(building, plain).match


def test_the_usual_week_is_no_distinctive_term_an_unusual_one_is() -> None:
    employer, agency = _metz_pair()
    strict = replace(DEFAULT_CONFIG, agency_usual_terms=0.99)  # 35 h: the French legal week
    assert compare(
        agency, compute_keys(agency), employer, compute_keys(employer), closed_at=None
    ).match
    assert not compare(
        agency,
        compute_keys(agency),
        employer,
        compute_keys(employer),
        closed_at=None,
        config=strict,
    ).match
    week39 = [
        replace(r, description=r.description.replace("35 h", "39 h")) for r in (employer, agency)
    ]
    keys39 = [compute_keys(r) for r in week39]
    assert keys39[0].weekly_hours == 39.0
    result = compare(week39[1], keys39[1], week39[0], keys39[0], closed_at=None, config=strict)
    assert result.match and result.rule == "agency_repost", result.render()
