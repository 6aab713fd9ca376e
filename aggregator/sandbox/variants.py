"""One board's copy of a vacancy at a given tick: the :class:`BoardPosting` the server renders.

The copy's wording comes from its own random stream (seeded by the copy key), drawn in a fixed
order before anything that depends on the tick, so edits change only what was edited (salary,
an added line in the description, ``updated_at``) and never re-roll the title or the location.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from aggregator.sandbox import descriptions, wording
from aggregator.sandbox.boards import BOARD_MARKETS
from aggregator.sandbox.model import BoardPosting
from aggregator.sandbox.records import Copy, Salary, Vacancy
from aggregator.sandbox.salary_text import write_salary
from aggregator.sandbox.vocab import templates

PAY_RISE = 1.04
_STEP = {"year": 500.0, "month": 50.0, "hour": 0.01, "day": 10.0}


def applied_edits(vacancy: Vacancy, copy: Copy, tick: int) -> list[tuple[int, str]]:
    """The vacancy's edits this copy shows at ``tick``."""
    return [(t, kind) for t, kind in vacancy.edits if t + copy.lag <= tick]


def revision(vacancy: Vacancy, copy: Copy, tick: int) -> int:
    """How many edits the copy carries at ``tick`` (its content changes only with this)."""
    return len(applied_edits(vacancy, copy, tick))


def _salary_at(salary: Salary | None, raises: int) -> Salary | None:
    if salary is None or raises == 0:
        return salary
    return salary.scaled(PAY_RISE**raises, _STEP[salary.period])


def _slug(text: str) -> str:
    plain = wording.strip_accents(text).lower()
    return "".join(ch if ch.isalnum() else "-" for ch in plain).strip("-")


def materialize(
    vacancy: Vacancy, copy: Copy, tick: int, epoch: datetime, seed: int
) -> BoardPosting:
    """The copy as its board shows it at ``tick``."""
    board = BOARD_MARKETS[copy.board]
    style = board.style
    profile = vacancy.profile
    rng = random.Random(f"{seed}:{copy.board}:{copy.number}")
    firm = profile.agency if copy.via_agency and profile.agency else profile.company
    company = wording.company(rng, firm)
    location_text, named = wording.location(rng, profile, style)
    city = profile.place.label(profile.language)
    title = wording.title(rng, profile, style, city if named else "")
    omit_salary = rng.random() < style.salary_omit
    salary_rng = random.Random(rng.getrandbits(64))
    layout = style.desc if style.desc != "full" else rng.choice(("full", "full", "breaks"))
    posted_at = epoch + timedelta(days=copy.start, hours=-rng.uniform(0.5, 20.0))
    edit_offset = rng.uniform(0.5, 12.0)
    jitter = rng.random() < 0.3 and not board.owner
    lat_j, lon_j = rng.uniform(-0.01, 0.01), rng.uniform(-0.01, 0.01)
    apply_url = None
    if not board.owner and rng.random() < 0.4:
        apply_url = (
            f"https://{_slug(profile.company.name)}.example/careers/{vacancy.vacancy_id.lower()}"
        )

    edits = applied_edits(vacancy, copy, tick)
    raises = sum(1 for _, kind in edits if kind == "salary")
    salary = None if omit_salary else _salary_at(profile.salary, raises)
    salary_text = None
    if salary is not None:
        salary, salary_text = write_salary(salary_rng, salary, profile.language)
    edit_words = templates()["description"][profile.language]["edits"]
    edit_lines = [  # a pay rise on a copy that shows no pay shows as a note instead
        edit_words[(profile.desc_key + i) % len(edit_words)]
        for i, (_, kind) in enumerate(edits)
        if kind == "description" or salary is None
    ]
    boilerplate = [
        line.format(
            contract=templates()["contract_labels"][profile.language][profile.contract_type]
        )
        for line in templates()["boilerplates"].get(style.boilerplate, [])
    ]
    parts = descriptions.sections(
        profile, firm.name, city, profile.title, salary_text, copy.via_agency, edit_lines
    )
    updated_at = posted_at
    if edits and edits[-1][0] + copy.lag > copy.start:
        updated_at = max(
            posted_at, epoch + timedelta(days=edits[-1][0] + copy.lag, hours=-edit_offset)
        )
    place = profile.place
    return BoardPosting(
        board=copy.board,
        source_offer_id=copy.offer_id,
        vacancy_id=vacancy.vacancy_id,
        title=title,
        company=company,
        description_html=descriptions.render(parts, layout, boilerplate),
        location_text=location_text,
        city=city if named else None,
        postal_code=place.postal_code if named else None,
        region=place.region if named else None,
        country=place.country,
        latitude=round(place.lat + (lat_j if jitter else 0.0), 5) if named else None,
        longitude=round(place.lon + (lon_j if jitter else 0.0), 5) if named else None,
        contract_type=profile.contract_type,
        working_time=profile.working_time,
        remote=profile.remote,
        salary_min=salary.low if salary else None,
        salary_max=salary.high if salary else None,
        salary_currency=salary.currency if salary else None,
        salary_period=salary.period if salary else None,
        salary_text=salary_text,
        posted_at=posted_at,
        updated_at=updated_at,
        valid_through=None
        if copy.valid_through is None
        else epoch + timedelta(days=copy.valid_through, hours=15),
        language=profile.language,
        apply_url=apply_url,
        hours_per_week=profile.hours,
    )
