"""Each board kind answers in its real wire format: field names, envelopes, oddities, paging."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import feedparser
import pytest
from sandbox_fakes import EPOCH, FakeMarket, fetch, make_boards

from aggregator.sandbox.model import BoardSpec
from aggregator.sandbox.render import RENDERERS, jsonld
from aggregator.sandbox.render.base import BoardView, Request
from aggregator.sandbox.render.francetravail import credentials as ft_credentials
from aggregator.sandbox.render.workday import posted_on
from aggregator.sandbox.server import SandboxServer

COUNT = 10
IDS = {str(1000 + i) for i in range(COUNT)}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    boards = make_boards()
    with SandboxServer(FakeMarket(boards, COUNT), boards=boards) as running:
        yield running


def get_json(server: SandboxServer, board: str, path: str, **kw: Any) -> Any:
    status, _, body = fetch(server.board_url(board) + path, **kw)
    assert status == 200, body[:200]
    return json.loads(body)


def test_every_kind_has_a_renderer_and_an_entry_path(server: SandboxServer) -> None:
    status, _, body = fetch(server.url + "/_admin/boards")
    rows = json.loads(body)
    assert status == 200
    assert {row["kind"] for row in rows} == set(RENDERERS)
    assert all(row["path"].startswith("/") and "{" not in row["path"] for row in rows)


def test_greenhouse_double_escaped_content_and_local_offsets(server: SandboxServer) -> None:
    data = get_json(server, "t-greenhouse", "/v1/boards/tokgreenhouse/jobs?content=true")
    assert data["meta"]["total"] == COUNT and len(data["jobs"]) == COUNT
    job = data["jobs"][0]
    assert {"id", "internal_job_id", "title", "updated_at", "location", "absolute_url"} <= set(job)
    assert isinstance(job["id"], int) and job["location"]["name"] == "Paris 15e"
    assert job["content"].startswith("&lt;p&gt;") and "&amp;amp;" in job["content"]
    assert re.search(r"[+-]0[12]:00$", job["updated_at"]) and re.search(
        r"[+-]0[12]:00$", job["first_published"]
    )
    bare = get_json(server, "t-greenhouse", "/v1/boards/tokgreenhouse/jobs")
    assert "content" not in bare["jobs"][0]
    detail = get_json(server, "t-greenhouse", f"/v1/boards/tokgreenhouse/jobs/{job['id']}")
    assert detail["title"] == job["title"]
    assert fetch(server.board_url("t-greenhouse") + "/v1/boards/tokgreenhouse/jobs/999")[0] == 404


def test_lever_skip_limit_pages_reach_every_posting(server: SandboxServer) -> None:
    seen: list[str] = []
    skip = 0
    while True:
        items = get_json(server, "t-lever", f"/v0/postings/toklever?mode=json&skip={skip}&limit=3")
        seen += [item["id"] for item in items]
        if len(items) < 3:
            break
        skip += 3
    assert set(seen) == IDS and len(seen) == COUNT
    item = get_json(server, "t-lever", "/v0/postings/toklever?mode=json")[0]
    assert set(item["categories"]) >= {"location", "commitment", "team"}
    assert item["createdAt"] == int(EPOCH.timestamp() * 1000)
    assert item["workplaceType"] in {"on-site", "remote", "hybrid", "unspecified"}
    everything = get_json(server, "t-lever", "/v0/postings/toklever?mode=json")
    with_salary = [i for i in everything if "salaryRange" in i]
    assert 0 < len(with_salary) < COUNT
    assert set(with_salary[0]["salaryRange"]) == {"currency", "interval", "min", "max"}
    assert with_salary[0]["salaryRange"]["interval"] == "per-year-salary"


def test_smartrecruiters_offset_pages_and_detail_sections(server: SandboxServer) -> None:
    seen: list[str] = []
    offset, total = 0, None
    while total is None or offset < total:
        data = get_json(
            server,
            "t-smartrecruiters",
            f"/v1/companies/toksmartrecruiters/postings?limit=4&offset={offset}",
        )
        total = data["totalFound"]
        seen += [c["id"] for c in data["content"]]
        offset += data["limit"]
    assert set(seen) == IDS and total == COUNT
    first = get_json(
        server, "t-smartrecruiters", "/v1/companies/toksmartrecruiters/postings?limit=1"
    )
    assert first["content"][0]["location"]["country"] == "fr"
    detail = json.loads(fetch(first["content"][0]["ref"])[2])
    assert "<p>" in detail["jobAd"]["sections"]["jobDescription"]["text"]


def test_workday_post_paging_relative_dates_and_detail(server: SandboxServer) -> None:
    url = server.board_url("t-workday") + "/wday/cxs/tokworkday/Careers/jobs"
    seen, offset = [], 0
    while True:
        query = json.dumps(
            {"appliedFacets": {}, "limit": 3, "offset": offset, "searchText": ""}
        ).encode()
        status, _, body = fetch(url, "POST", query, {"Content-Type": "application/json"})
        assert status == 200
        data = json.loads(body)
        seen += data["jobPostings"]
        offset += 3
        if offset >= data["total"]:
            break
    assert len(seen) == COUNT
    assert all(
        re.fullmatch(r"Posted (Today|Yesterday|\d+ Days Ago|30\+ Days Ago)", j["postedOn"])
        for j in seen
    )
    assert "Posted Today" in {j["postedOn"] for j in seen}
    too_many = json.dumps({"limit": 50, "offset": 0, "searchText": ""}).encode()
    assert fetch(url, "POST", too_many)[0] == 400
    detail = get_json(server, "t-workday", "/wday/cxs/tokworkday/Careers" + seen[0]["externalPath"])
    assert detail["jobPostingInfo"]["title"] == seen[0]["title"]


def test_workday_posted_on_wording() -> None:
    spec = make_boards()[0]
    postings = FakeMarket([spec]).postings(spec.key)
    view = BoardView(spec, postings, EPOCH.replace(day=3), "http://x")
    assert posted_on(view, postings[0]) == "Posted Yesterday"
    assert posted_on(view, postings[1]) == "Posted 4 Days Ago"
    later = BoardView(spec, postings, EPOCH.replace(month=12), "http://x")
    assert posted_on(later, postings[0]) == "Posted 30+ Days Ago"


def test_remote_boards_keep_their_oddities(server: SandboxServer) -> None:
    remoteok = get_json(server, "t-remoteok", "/api")
    assert "legal" in remoteok[0] and len(remoteok) == COUNT + 1
    assert remoteok[1]["epoch"] == int(EPOCH.timestamp()) and "&amp;" in remoteok[1]["company"]
    assert any(j["salary_min"] == 0 for j in remoteok[1:])
    remotive = get_json(server, "t-remotive", "/api/remote-jobs")
    assert "0-legal-notice" in remotive and remotive["job-count"] == COUNT
    assert datetime.fromisoformat(remotive["jobs"][0]["publication_date"]).tzinfo is None
    assert any("k€" in j["salary"] for j in remotive["jobs"])
    jobicy = get_json(server, "t-jobicy", "/api/v2/remote-jobs?count=5")
    assert jobicy["jobCount"] == 5 and re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", jobicy["jobs"][0]["pubDate"]
    )
    assert isinstance(jobicy["jobs"][0]["annualSalaryMin"], str) and jobicy["jobs"][0][
        "jobExcerpt"
    ].endswith("&#8230;")


def test_himalayas_and_arbeitnow_paging(server: SandboxServer) -> None:
    seen, offset = [], 0
    while True:
        data = get_json(server, "t-himalayas", f"/jobs/api?limit=4&offset={offset}")
        seen += data["jobs"]
        offset += 4
        if offset >= data["totalCount"]:
            break
    assert len({j["guid"] for j in seen}) == COUNT
    assert seen[0]["pubDate"] == int(EPOCH.timestamp() * 1000)
    url: str | None = server.board_url("t-arbeitnow") + "/api/job-board-api?page=1"
    slugs: list[str] = []
    while url:
        _status, _, body = fetch(url)
        page = json.loads(body)
        slugs += [j["slug"] for j in page["data"]]
        assert page["meta"]["per_page"] == 4
        url = page["links"]["next"]
    assert len(set(slugs)) == COUNT


def test_ats_single_payload_kinds(server: SandboxServer) -> None:
    workable = get_json(server, "t-workable", "/api/v1/widget/accounts/tokworkable?details=true")
    assert len(workable["jobs"]) == COUNT and "description" in workable["jobs"][0]
    recruitee = get_json(server, "t-recruitee", "/api/offers/")
    assert recruitee["offers"][0]["created_at"].endswith(" UTC")
    assert {"remote", "hybrid", "on_site", "employment_type_code", "salary"} <= set(
        recruitee["offers"][0]
    )
    ashby = get_json(server, "t-ashby", "/posting-api/job-board/tokashby?includeCompensation=true")
    assert ashby["apiVersion"] == "1" and "compensation" in ashby["jobs"][0]
    tiers = ashby["jobs"][0]["compensation"]["compensationTiers"]
    assert tiers[0]["components"][0]["interval"] == "1 YEAR"
    plain_board = get_json(server, "t-ashby", "/posting-api/job-board/tokashby")
    assert "compensation" not in plain_board["jobs"][0]


def test_personio_and_indeed_style_xml(server: SandboxServer) -> None:
    root = ET.fromstring(fetch(server.board_url("t-personio") + "/xml")[2])
    assert root.tag == "workzag-jobs" and len(root.findall("position")) == COUNT
    value = root.find("position/jobDescriptions/jobDescription/value")
    assert value is not None and "<p>" in (value.text or "")
    _status, _, body = fetch(server.board_url("t-xmlfeed") + "/jobs.xml")
    assert b"<title><![CDATA[" in body
    root = ET.fromstring(body)
    jobs = root.findall("job")
    assert root.tag == "source" and len(jobs) == COUNT
    assert {j.findtext("referencenumber") for j in jobs} == IDS
    assert all(j.findtext("title") and j.findtext("date") for j in jobs)


@pytest.mark.parametrize(
    "board,path", [("t-feed", "/feed.rss"), ("t-rss", "/feed.rss"), ("t-atom", "/feed.atom")]
)
def test_feeds_parse_cleanly_with_feedparser(server: SandboxServer, board: str, path: str) -> None:
    status, _headers, body = fetch(server.board_url(board) + path)
    parsed = feedparser.parse(body)
    assert status == 200 and not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == COUNT
    assert all(e.title and e.link and e.get("published_parsed") for e in parsed.entries)


def test_wwr_titles_region_and_expiry(server: SandboxServer) -> None:
    parsed = feedparser.parse(fetch(server.board_url("t-feed") + "/feed.rss")[2])
    company = "Maison Lumen & Fils SAS"
    forms = set()
    for entry in parsed.entries:
        if entry.title.startswith(company + ": "):
            forms.add("colon")
        elif entry.title.startswith(company + " : "):
            forms.add("spaced")
        else:
            forms.add("bare")
        assert entry.region and entry.type and entry.expires_at
    assert "colon" in forms and len(forms) >= 2


def test_partner_rss_carries_job_extension(server: SandboxServer) -> None:
    parsed = feedparser.parse(fetch(server.board_url("t-rss") + "/feed.rss")[2])
    assert parsed.entries[0].job_company == "Maison Lumen & Fils SAS"
    assert parsed.entries[0].job_postalcode == "75015"


def _ld_blocks(page: str) -> list[Any]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(b, strict=False) for b in blocks]


def _find_posting(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list):
        return next((found for v in value if (found := _find_posting(v))), None)
    if isinstance(value, dict):
        if value.get("@type") == "JobPosting":
            return value
        return _find_posting(value.get("@graph", []))
    return None


def test_sitemap_lists_pages_with_valid_jobposting(server: SandboxServer) -> None:
    status, _, body = fetch(server.board_url("t-jsonld") + "/sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.fromstring(body).findall("s:url", ns)
    assert len(urls) == COUNT and all(u.findtext("s:lastmod", namespaces=ns) for u in urls)
    for url in urls:
        status, _, page = fetch(url.findtext("s:loc", namespaces=ns) or "")
        posting = _find_posting(_ld_blocks(page.decode()))
        assert status == 200 and posting is not None
        assert {"title", "description", "datePosted", "hiringOrganization"} <= set(posting)
        assert "jobLocation" in posting or posting.get("jobLocationType") == "TELECOMMUTE"
        assert datetime.fromisoformat(posting["datePosted"]).tzinfo is not None


@pytest.mark.parametrize("variant", jsonld.VARIANTS)
def test_each_jsonld_variant(variant: str) -> None:
    spec = BoardSpec("t-ld", "LD", "jsonld", "tok", "fr", "FR", options={"jsonld": variant})
    postings = FakeMarket([spec]).postings(spec.key)
    view = BoardView(spec, postings, EPOCH, "http://127.0.0.1:1/b/t-ld")
    page = jsonld.handle(view, Request("GET", "/jobs/1000")).body.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == (3 if variant == "multi" else 1)
    if variant == "control":
        with pytest.raises(json.JSONDecodeError):
            json.loads(blocks[0])
    posting = _find_posting(_ld_blocks(page))
    assert posting is not None and posting["identifier"]["value"] == "1000"
    assert posting["baseSalary"]["value"]["unitText"] == "YEAR"
    if variant == "graph":
        assert "@graph" in json.loads(blocks[0])
    if variant == "list":
        assert isinstance(json.loads(blocks[0]), list)


def test_jsonapi_next_links_reach_every_posting(server: SandboxServer) -> None:
    url: str | None = server.board_url("t-jsonapi") + "/api/jobs?page=1"
    ids: list[str] = []
    while url:
        data = json.loads(fetch(url)[2])
        ids += [item["id"] for item in data["data"]]
        url = data["next"]
    assert set(ids) == IDS and len(ids) == COUNT


def _ft_token(server: SandboxServer) -> str:
    client_id, secret = ft_credentials()
    form = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "api_offresdemploiv2 o2dsoffre",
        }
    )
    url = server.board_url("t-francetravail") + "/connexion/oauth2/access_token?realm=/partenaire"
    status, _, body = fetch(
        url, "POST", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200
    token = json.loads(body)
    assert token["expires_in"] == 1499 and token["token_type"] == "Bearer"
    return str(token["access_token"])


def test_france_travail_token_range_and_fields(server: SandboxServer) -> None:
    search = server.board_url("t-francetravail") + "/partenaire/offresdemploi/v2/offres/search"
    assert fetch(search + "?range=0-2")[0] == 401
    bad = urlencode(
        {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
    ).encode()
    token_url = (
        server.board_url("t-francetravail") + "/connexion/oauth2/access_token?realm=/partenaire"
    )
    assert fetch(token_url, "POST", bad)[0] == 401
    auth = {"Authorization": f"Bearer {_ft_token(server)}", "Accept": "application/json"}
    status, headers, body = fetch(search + "?range=0-2", headers=auth)
    assert status == 206 and headers["content-range"] == f"offres 0-2/{COUNT}"
    status, headers, body = fetch(search + "?range=0-149", headers=auth)
    assert status == 200 and len(json.loads(body)["resultats"]) == COUNT
    assert fetch(search + "?range=0-150", headers=auth)[0] == 400
    assert fetch(search + "?range=3001-3010", headers=auth)[0] == 400
    status, headers, body = fetch(search + "?range=0-149&departement=75", headers=auth)
    offers = json.loads(body)["resultats"]
    assert offers and all(o["lieuTravail"]["codePostal"].startswith("75") for o in offers)
    place = offers[0]["lieuTravail"]
    assert place["libelle"] == "75 - PARIS 15" and place["commune"] == "75115"
    assert fetch(search + "?range=0-149&departement=2A", headers=auth)[0] == 200
    assert fetch(search + "?range=0-149&departement=99", headers=auth)[0] == 204
    window = "minCreationDate=2026-10-25T00:00:00Z&maxCreationDate=2026-11-03T00:00:00Z"
    recent = json.loads(fetch(f"{search}?range=0-149&{window}", headers=auth)[2])["resultats"]
    assert 0 < len(recent) < COUNT
    all_offers = json.loads(fetch(search + "?range=0-149", headers=auth)[2])["resultats"]
    libelles = [o["salaire"].get("libelle", "") for o in all_offers]
    assert any(
        re.fullmatch(r"Annuel de [\d.,]+ Euros à [\d.,]+ Euros( sur 12(\.0)? mois)?", s)
        for s in libelles
    )
    assert {o["typeContrat"] for o in all_offers} >= {"CDI", "CDD", "MIS"}
    assert all(
        o["dureeTravailLibelleConverti"] in ("Temps plein", "Temps partiel") for o in all_offers
    )
    assert all(o["origineOffre"]["urlOrigine"].endswith(o["id"]) for o in all_offers)
    detail = fetch(search.replace("/search", f"/{all_offers[0]['id']}"), headers=auth)
    assert detail[0] == 200 and json.loads(detail[2])["id"] == all_offers[0]["id"]


def test_adzuna_pages_keys_and_oddities(server: SandboxServer) -> None:
    base = server.board_url("t-adzuna") + "/v1/api/jobs/fr/search/"
    assert fetch(base + "1?app_id=x&app_key=y")[0] == 401
    keys = "app_id=sandbox-app&app_key=sandbox-key&results_per_page=4"
    ids: list[str] = []
    number = 1
    while True:
        data = get_json(server, "t-adzuna", f"/v1/api/jobs/fr/search/{number}?{keys}")
        assert data["__CLASS__"] == "Adzuna::API::Response::JobSearchResults"
        ids += [r["id"] for r in data["results"]]
        if number * 4 >= data["count"]:
            break
        number += 1
    assert set(ids) == IDS
    results = get_json(server, "t-adzuna", f"/v1/api/jobs/fr/search/1?{keys}")["results"]
    assert all(
        r["__CLASS__"] == "Adzuna::API::Response::Job" and len(r["description"]) <= 500
        for r in results
    )
    assert all(isinstance(r.get("salary_is_predicted", "0"), str) for r in results)
