"""Partner RSS 2.0, Atom, and We Work Remotely style RSS feeds (``/feed.rss``, ``/feed.atom``).

Board option ``style``: ``rss`` (partner RSS with a ``job:`` extension namespace), ``atom``, or
``wwr`` ("Company: Role" titles, also "Company : Role" and no colon; ``<region>``, ``<type>``,
``<expires_at>``). Every feed board answers both ``/feed.rss`` and ``/feed.atom``;
:func:`entry` names the main one.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from aggregator.sandbox.model import BoardPosting, BoardSpec
from aggregator.sandbox.render.base import (
    BoardView,
    Reply,
    Request,
    iso_z,
    rfc822,
    slug,
    stable_pick,
)
from aggregator.sandbox.render.vocab import word

ENTRY = "/feed.rss"
JOB_NS = "https://sandbox.job-aggregator.invalid/ns/job/1.0"
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def entry(spec: BoardSpec) -> str:
    """The board's main feed path (option ``path``, else from ``style``)."""
    default = "/feed.atom" if spec.options.get("style") == "atom" else "/feed.rss"
    return spec.options.get("path", default)


def _site(view: BoardView) -> str:
    return view.opt("site_url", f"https://www.{view.spec.token}.example")


def _url(view: BoardView, p: BoardPosting) -> str:
    if view.opt("style", "rss") == "wwr":
        return f"https://weworkremotely.com/remote-jobs/{slug(p.company)}-{slug(p.title)}-{p.source_offer_id}"
    return f"{_site(view)}/offres/{p.source_offer_id}"


def _job_fields(view: BoardView, p: BoardPosting) -> str:
    fields = {
        "company": p.company,
        "location": p.location_text,
        "city": p.city,
        "postalCode": p.postal_code,
        "country": p.country,
        "contractType": word("contract", "text", p.contract_type, view.spec.language),
        "workingTime": word("working_time", "text", p.working_time, view.spec.language),
        "remote": p.remote,
        "salary": p.salary_text,
        "validThrough": iso_z(p.valid_through) if p.valid_through else None,
    }
    return "".join(f"<job:{k}>{escape(v)}</job:{k}>" for k, v in fields.items() if v)


def _flag(country: str) -> str:
    return (
        "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in country.upper())
        if len(country) == 2
        else ""
    )


def _wwr_item(view: BoardView, p: BoardPosting) -> str:
    variant = stable_pick(p.source_offer_id, 10)
    title = (
        p.title
        if variant == 0
        else f"{p.company} : {p.title}"
        if variant == 1
        else f"{p.company}: {p.title}"
    )
    region = p.location_text or "Anywhere in the World"
    country = f"{_flag(p.country)} {p.country}" if p.country and p.remote != "remote" else ""
    kind = word("working_time", "text", p.working_time or "full_time", "en") or "Full-Time"
    if p.contract_type in ("freelance", "fixed_term", "temporary"):
        kind = "Contract"
    url = _url(view, p)
    expires = f"<expires_at>{rfc822(p.valid_through)}</expires_at>" if p.valid_through else ""
    return (
        f"<item><title>{escape(title)}</title><region>{escape(region)}</region>"
        f"<country>{escape(country)}</country><state></state><skills></skills>"
        f"<category>{escape(view.opt('category', 'Programming'))}</category><type>{kind}</type>"
        f"<description>{escape(p.description_html)}</description><pubDate>{rfc822(p.posted_at)}</pubDate>"
        f"{expires}<guid>{url}</guid><link>{url}</link></item>"
    )


def _rss_item(view: BoardView, p: BoardPosting) -> str:
    category = word("contract", "text", p.contract_type, view.spec.language)
    return (
        f"<item><title>{escape(p.title)}</title><link>{escape(_url(view, p))}</link>"
        f'<guid isPermaLink="false">{escape(p.source_offer_id)}</guid>'
        f"<pubDate>{rfc822(p.posted_at)}</pubDate>"
        + (f"<category>{escape(category)}</category>" if category else "")
        + f"<description>{escape(p.description_html)}</description>{_job_fields(view, p)}</item>"
    )


def _rss(view: BoardView) -> bytes:
    wwr = view.opt("style", "rss") == "wwr"
    items = [(_wwr_item if wwr else _rss_item)(view, p) for p in view.postings]
    ns = "" if wwr else f' xmlns:job="{JOB_NS}"'
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"{ns}><channel>'
        f"<title>{escape(view.spec.name)}</title><link>{escape(_site(view))}</link>"
        f"<description>{escape(view.spec.name)} job offers</description>"
        f"<language>{view.spec.language}</language>"
        f"<lastBuildDate>{rfc822(view.last_modified())}</lastBuildDate>"
    )
    return (head + "\n".join(items) + "</channel></rss>\n").encode("utf-8")


def _atom(view: BoardView) -> bytes:
    entries = []
    for p in view.postings:
        entries.append(
            f"<entry><id>urn:sandbox:{escape(view.spec.key)}:{escape(p.source_offer_id)}</id>"
            f"<title>{escape(p.title)}</title>"
            f'<link rel="alternate" href={quoteattr(_url(view, p))}/>'
            f"<published>{iso_z(p.posted_at)}</published><updated>{iso_z(p.updated_at)}</updated>"
            f"<author><name>{escape(p.company)}</name></author>"
            f'<content type="html">{escape(p.description_html)}</content>'
            f"{_job_fields(view, p)}</entry>"
        )
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:job="{JOB_NS}"'
        f' xml:lang="{view.spec.language}"><id>urn:sandbox:{escape(view.spec.key)}</id>'
        f"<title>{escape(view.spec.name)}</title><updated>{iso_z(view.last_modified())}</updated>"
        f'<link rel="self" href={quoteattr(view.base_url + "/feed.atom")}/>'
    )
    return (head + "\n".join(entries) + "</feed>\n").encode("utf-8")


def handle(view: BoardView, req: Request) -> Reply:
    """Route a feed request."""
    path = req.path.rstrip("/")
    if path == "/feed.rss":
        return Reply(body=_rss(view), content_type=RSS_TYPE, conditional=True)
    if path == "/feed.atom":
        return Reply(body=_atom(view), content_type=ATOM_TYPE, conditional=True)
    return Reply(status=404, body=b"Not Found", content_type="text/plain; charset=utf-8")
