"""The source catalogue: which boards to crawl, with which adapter kind, how often and how politely.

A source is data, a kind is code: every board is a short typed entry in a YAML file under
``data/catalogues/``. The file is either a list of entries or a mapping with ``sources:``
(and optional ``defaults:`` merged under every entry). ``{sandbox}`` in ``base_url`` is
replaced by the sandbox server URL at load time. Credentials are the *names* of environment
variables, never the secrets, written either as ``credentials: {client_id: VAR}`` or as
``client_id_env: VAR`` (the sandbox catalogue's spelling): :func:`resolve_credentials` reads
them when a crawl starts. ``path`` is the listing path under ``base_url`` when it is not the
kind's usual one (a feed at ``/remote-jobs.rss``).
Every problem is one :class:`CatalogueError` line naming the file, the entry and the problem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.cron import CronTrigger
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from aggregator.errors import UserError

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "data" / "catalogues"
PRODUCTION_CATALOGUE = CATALOGUE_DIR / "production.yaml"
SANDBOX_PLACEHOLDER = "{sandbox}"

Kind = Literal[
    "greenhouse", "lever", "workable", "smartrecruiters", "recruitee", "ashby", "personio",
    "workday", "remoteok", "remotive", "jobicy", "himalayas", "arbeitnow", "francetravail",
    "adzuna", "feed", "xmlfeed", "jsonld", "jsonapi",
]  # fmt: skip
KINDS: tuple[str, ...] = get_args(Kind)
TOKEN_KINDS = frozenset({"greenhouse", "lever", "workable", "smartrecruiters", "ashby", "workday"})
CREDENTIAL_NAMES: dict[str, frozenset[str]] = {
    "francetravail": frozenset({"client_id", "client_secret"}),
    "adzuna": frozenset({"app_id", "app_key"}),
}
_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]


class CatalogueError(UserError):
    """The catalogue cannot be used as written (bad YAML, unknown kind, duplicate key...)."""


def parse_interval(schedule: str) -> timedelta | None:
    """``30m`` / ``6h`` / ``1d`` as a timedelta; None when the text is not an interval."""
    match = _INTERVAL.match(schedule)
    if match is None:
        return None
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def check_schedule(schedule: str) -> str:
    """Accept a positive interval or a 5-field crontab (as APScheduler 3.11 reads it)."""
    interval = parse_interval(schedule)
    if interval is not None:
        if interval <= timedelta(0):
            raise ValueError(f"interval {schedule!r} must be positive")
        return schedule.strip()
    if len(schedule.split()) != 5:
        raise ValueError(f"{schedule!r} is neither an interval (30m, 6h, 1d) nor a 5-field cron")
    try:
        CronTrigger.from_crontab(schedule, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"bad cron expression {schedule!r}: {exc}") from exc
    return " ".join(schedule.split())


class Politeness(BaseModel):
    """Per-source overrides of the crawler's default politeness."""

    model_config = ConfigDict(extra="forbid")

    download_delay: Annotated[float, Field(ge=0)] | None = None
    concurrency: Annotated[int, Field(ge=1)] | None = None
    obey_robots: bool | None = None
    max_requests: Annotated[int, Field(ge=1)] | None = None


class SourceEntry(BaseModel):
    """One board: how to reach it, how to read it, when to crawl it and how much to trust it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Slug
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    kind: Kind
    base_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    token: str | None = None
    path: str | None = None  # listing path under base_url when not the kind's default
    schedule: str = "6h"
    priority: int = 0
    enabled: bool = True
    politeness: Politeness = Field(default_factory=Politeness)
    credentials: dict[str, str] = Field(default_factory=dict)
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] | None = None
    timezone: str = "UTC"
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _env_fields(cls, data: Any) -> Any:
        """``client_id_env: VAR`` (the sandbox catalogue's form) is ``credentials.client_id``."""
        if not isinstance(data, dict):
            return data
        named = {k: v for k, v in data.items() if isinstance(k, str) and k.endswith("_env")}
        if not named:
            return data
        rest = {k: v for k, v in data.items() if k not in named}
        credentials = dict(rest.get("credentials") or {})
        for key, variable in named.items():
            credentials.setdefault(key.removesuffix("_env"), variable)
        rest["credentials"] = credentials
        return rest

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        return check_schedule(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("credentials")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        """Values must be environment variable NAMES (UPPER_SNAKE); a pasted secret is refused."""
        for name, env in value.items():
            if not _ENV_NAME.match(env):
                raise ValueError(
                    f"credential {name!r} must name an environment variable (UPPER_SNAKE_CASE),"
                    " not hold the secret itself"
                )
        return value

    @model_validator(mode="after")
    def _kind_needs(self) -> SourceEntry:
        """Kind-specific requirements pydantic field types cannot express."""
        if self.kind in TOKEN_KINDS and not (self.token and self.token.strip()):
            raise ValueError(f"kind {self.kind!r} needs a token (board token / company slug)")
        missing = CREDENTIAL_NAMES.get(self.kind, frozenset()) - set(self.credentials)
        if missing:
            raise ValueError(f"kind {self.kind!r} needs credentials {sorted(missing)}")
        return self

    @property
    def interval(self) -> timedelta | None:
        """The schedule as an interval, or None when it is a cron expression."""
        return parse_interval(self.schedule)


class Catalogue(BaseModel):
    """Every source of one catalogue file, in file order, keys unique."""

    sources: list[SourceEntry]
    path: Path | None = None

    def get(self, key: str) -> SourceEntry:
        """The entry with that key; an unknown key is a :class:`CatalogueError`."""
        for entry in self.sources:
            if entry.key == key:
                return entry
        raise CatalogueError(f"{self.path or 'catalogue'}: no source with key {key!r}")

    def enabled(self) -> list[SourceEntry]:
        """The entries to crawl."""
        return [entry for entry in self.sources if entry.enabled]

    def __iter__(self) -> Iterator[SourceEntry]:  # type: ignore[override]
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


def _describe(exc: ValidationError) -> str:
    """The first validation problem as a short phrase a catalogue author can act on."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "missing":
        return f"missing field {where!r}"
    if error["type"] == "extra_forbidden":
        return f"unknown field {where!r}"
    if error["type"] == "literal_error" and where == "kind":
        return f"unknown kind {error['input']!r} (known: {', '.join(KINDS)})"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _read(path: Path) -> tuple[list[Any], dict[str, Any]]:
    """The raw entries and defaults of a catalogue file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue ({exc.strerror})") from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise CatalogueError(f"{path}: bad YAML{where}: {problem}") from exc
    if document is None:
        return [], {}
    if isinstance(document, list):
        return document, {}
    if isinstance(document, dict) and isinstance(document.get("sources", []), list):
        defaults = document.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise CatalogueError(f"{path}: 'defaults' must be a mapping")
        return document.get("sources") or [], defaults
    raise CatalogueError(f"{path}: expected a list of sources or a mapping with 'sources:'")


def load_catalogue(path: Path | None = None, *, sandbox_url: str | None = None) -> Catalogue:
    """Read and validate a catalogue file (default: the production catalogue)."""
    path = Path(path) if path is not None else PRODUCTION_CATALOGUE
    raw_entries, defaults = _read(path)
    sources: list[SourceEntry] = []
    first_seen: dict[str, int] = {}
    for number, raw in enumerate(raw_entries, start=1):
        label = f"entry {number}"
        if not isinstance(raw, dict):
            raise CatalogueError(f"{path}: {label}: expected a mapping, got {type(raw).__name__}")
        if isinstance(raw.get("key"), str):
            label += f" {raw['key']!r}"
        data = {**defaults, **raw}
        base_url = data.get("base_url")
        if isinstance(base_url, str) and SANDBOX_PLACEHOLDER in base_url:
            if not sandbox_url:
                raise CatalogueError(
                    f"{path}: {label}: base_url uses {{sandbox}}: give a sandbox URL"
                )
            data["base_url"] = base_url.replace(SANDBOX_PLACEHOLDER, sandbox_url.rstrip("/"))
        try:
            entry = SourceEntry.model_validate(data)
        except ValidationError as exc:
            raise CatalogueError(f"{path}: {label}: {_describe(exc)}") from None
        if entry.key in first_seen:
            raise CatalogueError(
                f"{path}: {label}: duplicate key {entry.key!r} (first used by entry "
                f"{first_seen[entry.key]})"
            )
        first_seen[entry.key] = number
        sources.append(entry)
    return Catalogue(sources=sources, path=path)


def resolve_credentials(
    entry: SourceEntry, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The entry's credentials read from the environment; the error names the variable only."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    for name, variable in entry.credentials.items():
        value = env.get(variable)
        if not value:
            raise CatalogueError(
                f"source {entry.key!r}: environment variable {variable} (credential {name!r}) "
                "is not set"
            )
        values[name] = value
    return values


def catalogue_files(directory: Path = CATALOGUE_DIR) -> list[Path]:
    """Every catalogue file present (production, sandbox, ...), for contract checks."""
    return sorted(directory.glob("*.yaml"))
