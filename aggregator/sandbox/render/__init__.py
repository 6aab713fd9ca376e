"""Wire-format renderers, one module per board kind; :data:`RENDERERS` maps kind to module."""

from __future__ import annotations

from types import ModuleType

from aggregator.sandbox.model import BoardSpec
from aggregator.sandbox.render import (
    adzuna,
    arbeitnow,
    ashby,
    feed,
    francetravail,
    greenhouse,
    himalayas,
    jobicy,
    jsonapi,
    jsonld,
    lever,
    personio,
    recruitee,
    remoteok,
    remotive,
    smartrecruiters,
    workable,
    workday,
    xmlfeed,
)

RENDERERS: dict[str, ModuleType] = {
    "greenhouse": greenhouse,
    "lever": lever,
    "workable": workable,
    "smartrecruiters": smartrecruiters,
    "recruitee": recruitee,
    "ashby": ashby,
    "personio": personio,
    "workday": workday,
    "remoteok": remoteok,
    "remotive": remotive,
    "jobicy": jobicy,
    "himalayas": himalayas,
    "arbeitnow": arbeitnow,
    "francetravail": francetravail,
    "adzuna": adzuna,
    "feed": feed,
    "xmlfeed": xmlfeed,
    "jsonld": jsonld,
    "jsonapi": jsonapi,
}


def entry_path(spec: BoardSpec) -> str:
    """The board's listing path under its base URL, with token, site and country filled in."""
    module = RENDERERS[spec.kind]
    template: str = module.entry(spec) if hasattr(module, "entry") else module.ENTRY
    return template.format(
        token=spec.token,
        site=spec.options.get("site", "External"),
        country=spec.options.get("country", spec.country.lower()),
    )
