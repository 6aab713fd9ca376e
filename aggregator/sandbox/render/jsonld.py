"""Career sites with schema.org ``JobPosting`` JSON-LD: ``/sitemap.xml`` and ``/jobs/{id}`` pages.

Board option ``jsonld`` picks the markup variant: ``plain``, ``graph`` (inside ``@graph``),
``list`` (a top-level array), ``multi`` (several ld+json blocks), ``control`` (raw control
characters inside JSON strings), or ``mixed`` (the default: a stable variant per posting).
"""

from __future__ import annotations

import html
import json
from typing import Any
from xml.sax.saxutils import escape

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import HTML, XML, BoardView, Reply, Request, iso_z, stable_pick
from aggregator.sandbox.render.vocab import word

ENTRY = "/sitemap.xml"
VARIANTS = ("plain", "graph", "list", "multi", "control")


def posting_ld(view: BoardView, p: BoardPosting, url: str) -> dict[str, Any]:
    """The ``JobPosting`` object with Google's required and recommended fields."""
    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": p.title,
        "description": p.description_html,
        "datePosted": p.posted_at.isoformat(timespec="seconds"),
        "hiringOrganization": {
            "@type": "Organization",
            "name": p.company,
            "sameAs": view.opt("site_url", ""),
        },
        "identifier": {"@type": "PropertyValue", "name": p.company, "value": p.source_offer_id},
        "url": url,
        "directApply": p.apply_url is None,
    }
    if p.valid_through is not None:
        ld["validThrough"] = p.valid_through.isoformat(timespec="seconds")
    kinds = [
        k
        for k in (
            word("contract", "jsonld", p.contract_type),
            word("working_time", "jsonld", p.working_time),
        )
        if k
    ]
    if kinds:
        ld["employmentType"] = kinds[0] if len(kinds) == 1 else sorted(set(kinds))
    address = {
        "@type": "PostalAddress",
        "addressLocality": p.city,
        "addressRegion": p.region,
        "postalCode": p.postal_code,
        "addressCountry": p.country,
    }
    place: dict[str, Any] = {"@type": "Place", "address": {k: v for k, v in address.items() if v}}
    if p.latitude is not None and p.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": p.latitude, "longitude": p.longitude}
    if p.remote == "remote":
        ld["jobLocationType"] = "TELECOMMUTE"
        ld["applicantLocationRequirements"] = {"@type": "Country", "name": p.country}
    if p.city or p.postal_code or p.remote != "remote":
        ld["jobLocation"] = place
    if p.salary_min is not None and p.salary_currency:
        value: dict[str, Any] = {
            "@type": "QuantitativeValue",
            "unitText": word("period", "jsonld", p.salary_period or "year"),
        }
        if p.salary_max is not None and p.salary_max != p.salary_min:
            value.update(minValue=p.salary_min, maxValue=p.salary_max)
        else:
            value["value"] = p.salary_min
        ld["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": p.salary_currency,
            "value": value,
        }
    return ld


def _script(value: Any, raw_controls: bool = False) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=1)
    if raw_controls:
        # Real sites paste descriptions with raw newlines and tabs inside JSON strings.
        text = text.replace("\\n", "\n").replace("\\t", "\t")
    text = text.replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def page_html(view: BoardView, p: BoardPosting) -> str:
    """The job page with its JSON-LD in the board's variant."""
    url = f"{view.base_url}/jobs/{p.source_offer_id}"
    ld = posting_ld(view, p, url)
    variant = view.opt("jsonld", "mixed")
    if variant not in VARIANTS:
        variant = VARIANTS[stable_pick(p.source_offer_id, len(VARIANTS))]
    org = {"@context": "https://schema.org", "@type": "Organization", "name": p.company}
    crumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": []}
    if variant == "graph":
        del ld["@context"]
        blocks = [
            _script(
                {"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "url": url}, ld]}
            )
        ]
    elif variant == "list":
        blocks = [_script([crumbs, ld])]
    elif variant == "multi":
        blocks = [_script(org), _script(crumbs), _script(ld)]
    elif variant == "control":
        ld["description"] = ld["description"].replace("</p>", "</p>\n\t")
        blocks = [_script(ld, raw_controls=True)]
    else:
        blocks = [_script(ld)]
    title = html.escape(f"{p.title} - {p.company}")
    return (
        f'<!DOCTYPE html>\n<html lang="{p.language}"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        f'<link rel="canonical" href="{html.escape(url)}">{"".join(blocks)}</head>'
        f"<body><main><h1>{html.escape(p.title)}</h1>"
        f'<div class="job-description">{p.description_html}</div>'
        "</main></body></html>\n"
    )


def _sitemap(view: BoardView) -> bytes:
    rows = [
        f"<url><loc>{escape(view.base_url)}/jobs/{escape(p.source_offer_id)}</loc>"
        f"<lastmod>{iso_z(p.updated_at).replace('Z', '+00:00')}</lastmod>"
        "<changefreq>daily</changefreq></url>"
        for p in view.postings
    ]
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    return (head + "\n".join(rows) + "\n</urlset>\n").encode("utf-8")


def handle(view: BoardView, req: Request) -> Reply:
    """Route a career-site request."""
    path = req.path.rstrip("/")
    if path == "/sitemap.xml":
        return Reply(
            body=_sitemap(view),
            content_type=XML,
            conditional=True,
            last_modified=view.last_modified(),
        )
    if path.startswith("/jobs/"):
        found = view.find(path[len("/jobs/") :])
        if found is not None:
            body = page_html(view, found).encode("utf-8")
            return Reply(
                body=body, content_type=HTML, conditional=True, last_modified=found.updated_at
            )
    return Reply(
        status=404, body=b"<html><body><h1>Page introuvable</h1></body></html>", content_type=HTML
    )
