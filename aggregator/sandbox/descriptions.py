"""Offer descriptions: one text per vacancy, laid out, cut or padded differently by each board.

The sentences are chosen by the vacancy's ``desc_key`` (a chain's template shares it, so its
offers in different towns differ only by the town); the layout is the copy's: full HTML with
lists, paragraphs with line breaks, plain text, or an excerpt cut at ~500 characters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from typing import Any

from aggregator.sandbox.records import Profile
from aggregator.sandbox.vocab import templates

EXCERPT = 500


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its lines (the intro and the closing have no heading)."""

    heading: str | None
    lines: tuple[str, ...]
    as_list: bool


def _fmt(h: float) -> str:
    return f"{h:g}".replace(".", ",") if h != int(h) else str(int(h))


def sections(
    profile: Profile,
    company: str,
    city: str,
    title: str,
    salary_text: str | None,
    via_agency: bool,
    edit_lines: list[str],
) -> list[Section]:
    """The description's content: intro, edit notes, missions, profile, offer, closing."""
    t = templates()
    words: dict[str, Any] = t["description"][profile.language]
    rng = random.Random(profile.desc_key)
    sector = t["sectors"][profile.company.sector][profile.language]
    if via_agency and profile.agency is not None:
        client_idx = (
            profile.client if profile.client is not None else rng.randrange(len(words["clients"]))
        )
        intro = rng.choice(words["agency_intro"]).format(
            company=profile.agency.name,
            sector=t["sectors"][profile.agency.sector][profile.language],
            client=words["clients"][client_idx],
            title=title,
            city=city,
        )
    else:
        intro = rng.choice(words["intro"]).format(
            company=company, sector=sector, title=title, city=city
        )
    missions = profile.occupation.missions[profile.language]
    profile_lines = rng.sample(words["profile"], 2)
    perks = rng.sample(words["perks"], rng.randint(2, 4))
    lang = profile.language
    hours = t["hours_label"][lang].format(h=_fmt(profile.hours))
    offer = [
        words["conditions"].format(
            contract=t["contract_labels"][lang][profile.contract_type],
            working_time=t["working_time_labels"][lang][profile.working_time],
            hours=hours,
        )
    ]
    if salary_text:
        offer.append(words["salary_line"].format(salary=salary_text))
    if profile.remote != "onsite":
        offer.append(words["remote_line"].format(remote=t["remote_labels"][lang][profile.remote]))
    offer.extend(perks)
    out = [
        Section(None, (intro,), False),
        Section(words["missions_heading"], tuple(missions), True),
        Section(words["profile_heading"], tuple(profile_lines), True),
        Section(words["offer_heading"], tuple(offer), True),
        Section(None, (rng.choice(words["closing"]),), False),
    ]
    if edit_lines:  # right after the intro, so that excerpts show the edit too
        out.insert(1, Section(None, tuple(edit_lines), False))
    return out


def render(parts: list[Section], layout: str, boilerplate: list[str]) -> str:
    """The sections as HTML in one of the layouts: lists, breaks, plain or excerpt."""
    if layout in ("plain", "truncate"):
        lines: list[str] = []
        for s in parts:
            if s.heading:
                lines.append(f"{s.heading} :" if layout == "plain" else s.heading)
            lines.extend(f"- {x}" if s.as_list else x for x in s.lines)
        lines.extend(boilerplate)
        text = "\n".join(lines)
        if layout == "truncate" and len(text) > EXCERPT:
            text = text[:EXCERPT].rsplit(" ", 1)[0] + "…"
        return "<p>" + escape(text, quote=False).replace("\n", "<br>") + "</p>"
    html: list[str] = []
    for s in parts:
        if layout == "breaks":
            head = f"<strong>{escape(s.heading)}</strong><br>" if s.heading else ""
            body = "<br>".join(("- " if s.as_list else "") + escape(x) for x in s.lines)
            html.append(f"<p>{head}{body}</p>")
            continue
        if s.heading:
            html.append(f"<h3>{escape(s.heading)}</h3>")
        if s.as_list:
            html.append("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in s.lines) + "</ul>")
        else:
            html.extend(f"<p>{escape(x)}</p>" for x in s.lines)
    html.extend(f"<p><em>{escape(b)}</em></p>" for b in boilerplate)
    return "".join(html)
