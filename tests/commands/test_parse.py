"""``aggregator parse``: saved bodies to common-schema JSON Lines, errors on stderr, status 0-2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aggregator.cli import main
from aggregator.schema import Posting
from spiders.parsers import KINDS
from tests.commands.stored_crawl import FIXTURES

GREENHOUSE = FIXTURES / "greenhouse" / "board_modern_fr" / "body.json"
JSONAPI = FIXTURES / "jsonapi" / "default" / "body.json"
API_URL = "https://jobs.clinique-du-parc.fr/api/jobs"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aggregator.cli", "parse", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_subprocess_prints_postings_as_json_lines() -> None:
    done = _run("--adapter", "greenhouse", str(GREENHOUSE), "--now", "2024-09-05T12:00:00Z")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    postings = {r["source_offer_id"]: Posting.model_validate(r) for r in records}
    assert sorted(postings) == ["7434393", "7434400"]
    first = postings["7434393"]
    assert (first.source, first.city, first.salary_min, first.contract_type) == (
        "greenhouse",
        "Lyon",
        45000,
        "permanent",
    )
    assert done.stderr == ""


def test_item_errors_go_to_stderr_with_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--adapter", "jsonapi", str(JSONAPI), "--url", API_URL]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [json.loads(line)["source_offer_id"] for line in lines] == ["501", "502"]
    assert json.loads(lines[0])["url"] == "https://jobs.clinique-du-parc.fr/offres/501"
    assert captured.err.strip() == "jsonapi: item 2: no 'id'"


def test_problems_flag_counts_field_problems(capsys: pytest.CaptureFixture[str]) -> None:
    fixture = FIXTURES / "feed" / "wwr" / "body.rss"
    request = json.loads((fixture.parent / "request.json").read_text(encoding="utf-8"))
    status = main(
        ["parse", "--adapter", "feed", str(fixture), "--url", request["url"], "--problems"]
    )
    assert status == 0
    err = capsys.readouterr().err
    assert err.startswith("problem: feed location: ")  # "Anywhere in the World" style places


def test_unknown_kind_lists_the_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--adapter", "monster", str(GREENHOUSE)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown adapter kind 'monster'" in err
    assert all(kind in err for kind in KINDS)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--adapter", "personio", str(GREENHOUSE)], "personio: body is not well-formed XML"),
        (["--adapter", "greenhouse", "/no/such/file.json"], "No such file or directory"),
        (["--adapter", "greenhouse", str(GREENHOUSE), "--now", "yesterday"], "--now"),
    ],
)
def test_unreadable_input_is_one_line_and_status_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and message in captured.err
    assert captured.err.count("\n") == 1


def test_source_settings_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "- key: clinique\n  name: Clinique du Parc\n  kind: jsonapi\n"
        "  base_url: https://jobs.clinique-du-parc.fr\n"
        "  options: {default_contract_type: CDD}\n",
        encoding="utf-8",
    )
    args = ["parse", "--adapter", "jsonapi", str(JSONAPI), "--source", "clinique"]
    assert main([*args, "--catalogue", str(catalogue), "--url", API_URL]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["source"] for r in records} == {"clinique"}
    assert [r["contract_type"] for r in records] == ["permanent", "fixed_term"]  # 501 says CDI
    assert main([*args, "--catalogue", str(catalogue).replace(".yaml", "-x.yaml")]) == 2
