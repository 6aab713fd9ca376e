"""The accuracy scorer, and the gate: every field of the labelled corpus is at least 98 % right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from normalizers.accuracy import (
    FIELD_FUNCTIONS,
    CorpusError,
    load_cases,
    main,
    score_corpus,
    values_match,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MINIMUM = 0.98
MINIMUM_CASES = {"contract_type": 50, "working_time": 30, "remote": 35, "text": 20, "language": 30}


def _write(directory: Path, name: str, rows: list[dict[str, Any]]) -> None:
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    (directory / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _case(case_id: str, field: str = "remote", **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": case_id,
        "field": field,
        "input": {"texts": ["100% télétravail"], "flag": None},
        "expected": {"remote": "remote"},
    }
    row.update(extra)
    return row


@pytest.mark.parametrize("field", sorted(p.stem for p in CORPUS.glob("*.jsonl")))
def test_corpus_field_accuracy(field: str) -> None:
    report = score_corpus(CORPUS).fields[field]
    assert report.error is None, report.error
    failures = [f"{f.case_id}: got {f.got}, expected {f.expected}" for f in report.failures]
    assert report.accuracy >= MINIMUM, "\n".join(failures)


@pytest.mark.parametrize(("field", "minimum"), sorted(MINIMUM_CASES.items()))
def test_corpus_sizes(field: str, minimum: int) -> None:
    assert sum(1 for case in load_cases(CORPUS) if case.field == field) >= minimum


def test_scores_per_key_and_lists_failures(tmp_path: Path) -> None:
    wrong = _case("r-2", input={"texts": ["Pas de télétravail"], "flag": None})
    _write(tmp_path, "remote", [_case("r-1"), wrong])
    report = score_corpus(tmp_path).fields["remote"]
    assert (report.cases, report.correct, report.accuracy) == (2, 1, 0.5)
    assert report.keys == {"remote": [2, 1]}
    assert [(f.case_id, f.got) for f in report.failures] == [("r-2", {"remote": "onsite"})]


def test_missing_module_is_an_error_row_not_a_crash(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setitem(FIELD_FUNCTIONS, "remote", "normalizers.fields.no_such_module:corpus_case")
    _write(tmp_path, "remote", [_case("r-1")])
    _write(
        tmp_path,
        "language",
        [_case("l-1", "language", input={"text": "x"}, expected={"language": None})],
    )
    report = score_corpus(tmp_path)
    assert report.fields["remote"].error is not None
    assert report.fields["remote"].accuracy == 0.0
    assert report.fields["language"].accuracy == 1.0
    assert report.below(0.98) == ["remote"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_case("a"), _case("a")], "duplicate id"),
        ([{k: v for k, v in _case("a").items() if k != "id"}], "missing id"),
        ([_case("a", field="salary")], "field 'salary'"),
        ([_case("a", extra_key=1)], "unknown keys"),
        ([_case("a", expected={})], "'expected' is empty"),
        ([_case("a", input="text")], "'input' must be an object"),
    ],
)
def test_strict_validation(tmp_path: Path, rows: list[dict[str, Any]], message: str) -> None:
    _write(tmp_path, "remote", rows)
    with pytest.raises(CorpusError, match=message):
        load_cases(tmp_path)


def test_unknown_field_file_and_bad_json(tmp_path: Path) -> None:
    _write(tmp_path, "colour", [_case("a", "colour")])
    with pytest.raises(CorpusError, match="no field named 'colour'"):
        load_cases(tmp_path)
    (tmp_path / "colour.jsonl").unlink()
    (tmp_path / "remote.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"remote.jsonl:1: invalid JSON"):
        load_cases(tmp_path)


def test_tolerances() -> None:
    assert values_match("salary_min", 35350.0, 35000)
    assert not values_match("salary_min", 36000.0, 35000)
    assert values_match("latitude", 43.64, 43.61)
    assert not values_match("latitude", 43.70, 43.61)
    assert not values_match("salary_min", None, 0)
    assert values_match("city", None, None)
    assert not values_match("city", "Paris ", "Paris")
    assert not values_match("salary_min", True, 1)


def test_command_line_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "remote", [_case("r-1"), _case("r-2", expected={"remote": "hybrid"})])
    assert main([str(tmp_path), "--min", "0.5"]) == 0
    assert main([str(tmp_path)]) == 1
    assert "r-2" in capsys.readouterr().out
    _write(tmp_path, "remote", [_case("r-1"), _case("r-1")])
    assert main([str(tmp_path)]) == 2
