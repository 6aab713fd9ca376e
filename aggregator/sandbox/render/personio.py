"""Personio XML feed: ``/xml`` (``<workzag-jobs><position>`` with CDATA job descriptions)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.render.base import XML, BoardView, Reply, Request, cdata, numeric_id
from aggregator.sandbox.render.vocab import word

ENTRY = "/xml"

_SECTION = {"de": "Ihre Aufgaben", "fr": "Vos missions", "en": "Your tasks"}


def _position(view: BoardView, p: BoardPosting) -> str:
    def el(tag: str, text: str | None) -> str:
        return f"<{tag}>{escape(text)}</{tag}>" if text else f"<{tag}/>"

    section = _SECTION.get(view.spec.language, _SECTION["en"])
    parts = [
        "<position>",
        el("id", str(numeric_id(p.source_offer_id))),
        el("subcompany", p.company),
        el("office", p.city or p.location_text),
        "<additionalOffices/>",
        el("department", view.opt("department", "")),
        el("recruitingCategory", ""),
        el("name", p.title),
        "<jobDescriptions><jobDescription>",
        el("name", section),
        f"<value>{cdata(p.description_html)}</value>",
        "</jobDescription>",
    ]
    if p.salary_text:
        parts.append(
            "<jobDescription><name>Benefits</name>"
            f"<value>{cdata('<p>' + p.salary_text + '</p>')}</value></jobDescription>"
        )
    parts += [
        "</jobDescriptions>",
        el("employmentType", word("contract", "personio", p.contract_type)),
        el("seniority", "experienced"),
        el("schedule", word("working_time", "personio", p.working_time)),
        el("yearsOfExperience", "1-2"),
        el("keywords", ""),
        el("occupation", ""),
        el("occupationCategory", ""),
        el("createdAt", p.posted_at.isoformat(timespec="seconds")),
        "</position>",
    ]
    return "".join(parts)


def handle(view: BoardView, req: Request) -> Reply:
    """Route a Personio request."""
    if req.path.rstrip("/") != "/xml":
        return Reply(
            status=404,
            body=b"<html><body>Not Found</body></html>",
            content_type="text/html; charset=utf-8",
        )
    body = ['<?xml version="1.0" encoding="UTF-8"?>\n<workzag-jobs>']
    body += [_position(view, p) for p in view.postings]
    body.append("</workzag-jobs>\n")
    return Reply(body="\n".join(body).encode("utf-8"), content_type=XML, conditional=True)
