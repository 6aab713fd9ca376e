"""Indeed-style XML job feed ``/jobs.xml``: ``<source><job>`` with every value in CDATA."""

from __future__ import annotations

from xml.sax.saxutils import escape

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import XML, BoardView, Reply, Request, cdata, iso_z, rfc822
from aggregator.sandbox.render.vocab import word

ENTRY = "/jobs.xml"
_REMOTE = {"remote": "Fully remote", "hybrid": "Hybrid remote"}


def _job(view: BoardView, p: BoardPosting) -> str:
    iso_dates = view.opt("dates", "rfc822") == "iso"
    site = view.opt("site_url", f"https://www.{view.spec.token}.example")
    fields: list[tuple[str, str | None]] = [
        ("title", p.title),
        ("date", iso_z(p.posted_at) if iso_dates else rfc822(p.posted_at).replace("+0000", "GMT")),
        ("referencenumber", p.source_offer_id),
        ("requisitionid", p.source_offer_id),
        ("url", f"{site}/job/{p.source_offer_id}"),
        ("company", p.company),
        ("sourcename", p.company),
        ("city", p.city),
        ("state", p.region),
        ("country", p.country),
        ("postalcode", p.postal_code),
        ("description", p.description_html),
        ("salary", p.salary_text),
        ("jobtype", word("contract", "text", p.contract_type, view.spec.language)),
        (
            "expirationdate",
            (iso_z(p.valid_through) if iso_dates else rfc822(p.valid_through))
            if p.valid_through
            else None,
        ),
        ("remotetype", _REMOTE.get(p.remote or "")),
    ]
    body = "".join(f"<{tag}>{cdata(value)}</{tag}>" for tag, value in fields if value)
    return f"<job>{body}</job>"


def handle(view: BoardView, req: Request) -> Reply:
    """Route an XML feed request."""
    if req.path.rstrip("/") != "/jobs.xml":
        return Reply(status=404, body=b"Not Found", content_type="text/plain; charset=utf-8")
    site = view.opt("site_url", f"https://www.{view.spec.token}.example")
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n<source>'
        f"<publisher>{escape(view.spec.name)}</publisher><publisherurl>{escape(site)}</publisherurl>"
        f"<lastBuildDate>{rfc822(view.last_modified())}</lastBuildDate>\n"
    )
    body = head + "\n".join(_job(view, p) for p in view.postings) + "\n</source>\n"
    return Reply(body=body.encode("utf-8"), content_type=XML, conditional=True)
