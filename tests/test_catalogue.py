"""The source catalogue: loading, validation errors, credentials, and a contract over every file."""

from __future__ import annotations

import inspect
from datetime import timedelta
from pathlib import Path

import pytest

from aggregator.catalogue import (
    KINDS,
    PRODUCTION_CATALOGUE,
    CatalogueError,
    catalogue_files,
    check_schedule,
    load_catalogue,
    parse_interval,
    resolve_credentials,
)
from normalizers.mappings import get_mapping
from spiders.parsers import KINDS as PARSER_KINDS
from spiders.parsers import get_parser

MINIMAL = """
sources:
  - key: gh-lumen
    name: Lumen
    kind: greenhouse
    base_url: https://boards-api.greenhouse.io
    token: lumen
"""


def write(tmp_path: Path, text: str, name: str = "catalogue.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path, **kwargs: object) -> str:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def test_production_catalogue_loads_with_its_public_sources() -> None:
    catalogue = load_catalogue()
    assert catalogue.path == PRODUCTION_CATALOGUE
    enabled = {entry.key for entry in catalogue.enabled()}
    assert {"francetravail", "remoteok", "remotive", "jobicy", "himalayas", "arbeitnow"} <= enabled
    assert catalogue.get("weworkremotely").kind == "feed"
    france = catalogue.get("francetravail")
    assert france.credentials == {  # written as client_id_env / client_secret_env
        "client_id": "FRANCE_TRAVAIL_CLIENT_ID",
        "client_secret": "FRANCE_TRAVAIL_CLIENT_SECRET",
    }
    assert (france.country, france.language, france.timezone) == ("FR", "fr", "Europe/Paris")
    ats = [entry for entry in catalogue if entry.kind in {"greenhouse", "lever", "workday"}]
    assert ats and not any(entry.enabled for entry in ats)


def test_defaults_and_minimal_entry(tmp_path: Path) -> None:
    entry = load_catalogue(write(tmp_path, MINIMAL)).get("gh-lumen")
    assert entry.enabled is True
    assert entry.schedule == "6h"
    assert entry.interval == timedelta(hours=6)
    assert entry.priority == 0
    assert entry.timezone == "UTC"
    assert entry.politeness.download_delay is None
    assert entry.options == {}


def test_top_level_list_and_defaults_block(tmp_path: Path) -> None:
    listed = write(
        tmp_path, "- {key: a, name: A, kind: remoteok, base_url: 'https://remoteok.com'}\n"
    )
    assert [e.key for e in load_catalogue(listed)] == ["a"]
    with_defaults = write(
        tmp_path,
        "defaults: {schedule: '*/30 * * * *', priority: 7}\n"
        "sources:\n"
        "  - {key: b, name: B, kind: remotive, base_url: 'https://remotive.com', priority: 9}\n"
        "  - {key: c, name: C, kind: jobicy, base_url: 'https://jobicy.com'}\n",
        "defaults.yaml",
    )
    catalogue = load_catalogue(with_defaults)
    assert catalogue.get("b").priority == 9
    assert catalogue.get("c").priority == 7
    assert catalogue.get("c").schedule == "*/30 * * * *"
    assert catalogue.get("c").interval is None


def test_sandbox_placeholder_is_replaced(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n"
        "  - {key: gh-x, name: X, kind: greenhouse, base_url: '{sandbox}/b/gh-x',"
        " token: x, language: fr, country: FR}\n",
    )
    entry = load_catalogue(path, sandbox_url="http://127.0.0.1:8765/").get("gh-x")
    assert entry.base_url == "http://127.0.0.1:8765/b/gh-x"
    assert "sandbox URL" in error_of(path)


def test_env_suffixed_fields_are_credentials(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "- {key: ft, name: FT, kind: francetravail, base_url: 'https://api.francetravail.io',"
        " client_id_env: FT_ID, client_secret_env: FT_SECRET, path: /partenaire/x}\n",
    )
    entry = load_catalogue(path).get("ft")
    assert entry.credentials == {"client_id": "FT_ID", "client_secret": "FT_SECRET"}
    assert entry.path == "/partenaire/x"


def test_reads_what_the_sandbox_catalogue_command_writes(tmp_path: Path) -> None:
    sandbox_cli = pytest.importorskip("aggregator.sandbox.cli")
    runner = pytest.importorskip("click.testing").CliRunner()
    out = tmp_path / "sandbox.yaml"
    result = runner.invoke(
        sandbox_cli.sandbox, ["catalogue", "--out", str(out), "--base-url", "{sandbox}"]
    )
    assert result.exit_code == 0, result.output
    catalogue = load_catalogue(out, sandbox_url="http://127.0.0.1:8765")
    assert len(catalogue) >= 19
    assert {entry.kind for entry in catalogue} == set(KINDS)
    for entry in catalogue:
        assert entry.base_url == f"http://127.0.0.1:8765/b/{entry.key}"
        assert callable(get_parser(entry.kind).parse)
        assert callable(get_mapping(entry.kind).map_record)
    france = next(entry for entry in catalogue if entry.kind == "francetravail")
    assert set(france.credentials) == {"client_id", "client_secret"}


def test_get_unknown_key_is_an_error(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path, MINIMAL))
    with pytest.raises(CatalogueError, match="no source with key 'nope'"):
        catalogue.get("nope")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (MINIMAL.replace("greenhouse", "grenhouse"), "unknown kind 'grenhouse'"),
        (MINIMAL.replace("    name: Lumen\n", ""), "missing field 'name'"),
        (MINIMAL + "    colour: blue\n", "unknown field 'colour'"),
        (MINIMAL + "    schedule: every day\n", "schedule"),
        (MINIMAL + "    schedule: '61 * * * *'\n", "bad cron expression"),
        (MINIMAL + "    schedule: 0h\n", "must be positive"),
        (MINIMAL + "    timezone: Mars/Olympus\n", "unknown time zone"),
        (MINIMAL.replace("    token: lumen\n", ""), "needs a token"),
        (MINIMAL.replace("https://boards", "ftp://boards"), "base_url"),
        (MINIMAL.replace("gh-lumen", "GH Lumen"), "key"),
        (MINIMAL + "    country: France\n", "country"),
        (MINIMAL + "    politeness: {download_delay: -1}\n", "politeness.download_delay"),
        (
            MINIMAL.replace("greenhouse", "francetravail"),
            "needs credentials ['client_id', 'client_secret']",
        ),
        (
            MINIMAL + "    credentials: {api_key: 'sk-live-9f8e7d6c5b4a'}\n",
            "must name an environment variable",
        ),
        ("sources: [\n  - key: x\n", "bad YAML at line"),
        ("sources: {key: x}\n", "expected a list of sources"),
        ("sources:\n  - just a string\n", "entry 1: expected a mapping"),
    ],
)
def test_invalid_entries_give_one_line_errors(tmp_path: Path, text: str, phrase: str) -> None:
    assert phrase in error_of(write(tmp_path, text))


def test_error_names_the_entry(tmp_path: Path) -> None:
    text = MINIMAL + "  - {key: second, name: S, kind: nope, base_url: 'https://x.org'}\n"
    assert "entry 2 'second': unknown kind 'nope'" in error_of(write(tmp_path, text))


def test_duplicate_key(tmp_path: Path) -> None:
    text = MINIMAL + "  - {key: gh-lumen, name: Again, kind: remoteok, base_url: 'https://x.org'}\n"
    message = error_of(write(tmp_path, text))
    assert "entry 2 'gh-lumen': duplicate key 'gh-lumen' (first used by entry 1)" in message


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot read" in error_of(tmp_path / "absent.yaml")


def test_empty_file_is_an_empty_catalogue(tmp_path: Path) -> None:
    assert len(load_catalogue(write(tmp_path, "# nothing yet\n"))) == 0


def test_resolve_credentials_reads_the_named_variables() -> None:
    entry = load_catalogue().get("francetravail")
    env = {"FRANCE_TRAVAIL_CLIENT_ID": "id-123", "FRANCE_TRAVAIL_CLIENT_SECRET": "s3cr3t-value"}
    assert resolve_credentials(entry, env) == {
        "client_id": "id-123",
        "client_secret": "s3cr3t-value",
    }


def test_resolve_credentials_names_the_missing_variable_never_a_value() -> None:
    entry = load_catalogue().get("francetravail")
    with pytest.raises(CatalogueError) as info:
        resolve_credentials(entry, {"FRANCE_TRAVAIL_CLIENT_ID": "id-123"})
    assert "FRANCE_TRAVAIL_CLIENT_SECRET" in str(info.value)
    assert "id-123" not in str(info.value)


def test_resolve_credentials_uses_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRANCE_TRAVAIL_CLIENT_ID", "from-env")
    monkeypatch.setenv("FRANCE_TRAVAIL_CLIENT_SECRET", "also-from-env")
    entry = load_catalogue().get("francetravail")
    assert resolve_credentials(entry)["client_id"] == "from-env"


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("6h", 21600), ("1d", 86400), (" 2w ", 1209600)]
)
def test_intervals(text: str, seconds: int) -> None:
    assert parse_interval(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("cron", ["0 */3 * * *", "15 6 * * mon-fri", "*/20 * * * *"])
def test_cron_schedules_are_accepted(cron: str) -> None:
    assert check_schedule(cron) == cron


def test_catalogue_kinds_match_the_adapter_registry() -> None:
    assert set(KINDS) == set(PARSER_KINDS)


CATALOGUE_ENTRIES = [
    pytest.param(path, entry.key, id=f"{path.stem}-{entry.key}")
    for path in catalogue_files()
    for entry in load_catalogue(path, sandbox_url="http://127.0.0.1:9")
]


@pytest.mark.parametrize(("path", "key"), CATALOGUE_ENTRIES)
def test_contract_every_catalogue_entry(path: Path, key: str) -> None:
    """Every entry of every catalogue file: valid schedule, known kind, parser and mapping exist."""
    entry = load_catalogue(path, sandbox_url="http://127.0.0.1:9").get(key)
    assert check_schedule(entry.schedule) == entry.schedule
    assert entry.kind in KINDS
    parse = get_parser(entry.kind).parse
    assert "url" in inspect.signature(parse).parameters
    assert callable(get_mapping(entry.kind).map_record)
    for name, variable in entry.credentials.items():
        assert variable.isupper(), f"credential {name} must name an environment variable"
