"""Accuracy of the field normalizers on the labelled corpus (``tests/corpus/<field>.jsonl``).

Each case runs through its field's ``corpus_case`` function and every expected key is
compared with what came out. Modules are imported lazily, so a field whose module is missing
or broken is reported as an error row instead of stopping the whole report. Run it as
``python -m normalizers.accuracy [DIR] [--min 0.98]``; it exits non-zero below the threshold.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELD_FUNCTIONS: dict[str, str] = {
    "salary": "normalizers.fields.salary:corpus_case",
    "posted_at": "normalizers.fields.dates:corpus_case",
    "contract_type": "normalizers.fields.contract:corpus_case",
    "working_time": "normalizers.fields.working_time:corpus_case",
    "remote": "normalizers.fields.remote:corpus_case",
    "location": "normalizers.fields.location:corpus_case",
    "text": "normalizers.fields.text:corpus_case",
    "language": "normalizers.fields.language:corpus_case",
}
RELATIVE_TOLERANCE = 0.01
DEGREE_TOLERANCE = 0.05
_COORDINATES = frozenset({"latitude", "longitude"})
_CASE_KEYS = frozenset({"id", "field", "lang", "input", "expected", "note"})


class CorpusError(ValueError):
    """A corpus line that is not a valid case (the message says file, line and why)."""


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled case."""

    id: str
    field: str
    input: dict[str, Any]
    expected: dict[str, Any]
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """A case whose output differs from the expected value on at least one key."""

    case_id: str
    got: dict[str, Any]
    expected: dict[str, Any]


@dataclass(slots=True)
class FieldReport:
    """Scores of one field: whole cases and each output key, plus failures."""

    name: str
    cases: int = 0
    correct: int = 0
    keys: dict[str, list[int]] = field(default_factory=dict)  # key -> [cases, correct]
    failures: list[Failure] = field(default_factory=list)
    error: str | None = None

    @property
    def accuracy(self) -> float:
        """Share of cases with every expected key right (0.0 when the field errored)."""
        if self.error is not None or self.cases == 0:
            return 0.0
        return self.correct / self.cases

    def key_accuracy(self, key: str) -> float:
        cases, correct = self.keys[key]
        return correct / cases if cases else 0.0


@dataclass(slots=True)
class AccuracyReport:
    """Per-field reports, in the order of the corpus files."""

    fields: dict[str, FieldReport] = field(default_factory=dict)

    def below(self, minimum: float) -> list[str]:
        """Fields whose accuracy is under ``minimum``."""
        return [name for name, rep in self.fields.items() if rep.accuracy < minimum]


def _check(value: Any, what: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CorpusError(f"{where}: {what!r} must be an object")
    return value


def load_cases(corpus_dir: Path) -> list[Case]:
    """All cases of ``corpus_dir/*.jsonl``, validated strictly (raises :class:`CorpusError`)."""
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in sorted(Path(corpus_dir).glob("*.jsonl")):
        if path.stem not in FIELD_FUNCTIONS:
            raise CorpusError(f"{path.name}: no field named {path.stem!r}")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{number}"
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: invalid JSON ({exc.msg})") from None
            raw = _check(raw, "line", where)
            unknown = set(raw) - _CASE_KEYS
            if unknown:
                raise CorpusError(f"{where}: unknown keys {sorted(unknown)}")
            case_id = raw.get("id")
            if not isinstance(case_id, str) or not case_id:
                raise CorpusError(f"{where}: missing id")
            if case_id in seen:
                raise CorpusError(f"{where}: duplicate id {case_id!r} (first at {seen[case_id]})")
            seen[case_id] = where
            if raw.get("field") != path.stem:
                raise CorpusError(f"{where}: field {raw.get('field')!r} in {path.name}")
            expected = _check(raw.get("expected"), "expected", where)
            if not expected:
                raise CorpusError(f"{where}: 'expected' is empty")
            lang = raw.get("lang")
            cases.append(
                Case(case_id, path.stem, _check(raw.get("input"), "input", where), expected, lang)
            )
    return cases


def values_match(key: str, got: Any, expected: Any) -> bool:
    """Equality with the corpus tolerances: coordinates 0.05 degree, numbers 1 % relative."""
    if expected is None or got is None:
        return got is None and expected is None
    numeric = (int, float)
    if isinstance(expected, numeric) and not isinstance(expected, bool):
        if not isinstance(got, numeric) or isinstance(got, bool):
            return False
        if key in _COORDINATES:
            return abs(float(got) - float(expected)) <= DEGREE_TOLERANCE
        return math.isclose(float(got), float(expected), rel_tol=RELATIVE_TOLERANCE)
    if isinstance(expected, str):
        return isinstance(got, str) and str(got) == expected
    return bool(got == expected)


def _resolve(spec: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    module_name, _, function_name = spec.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    if not callable(function):
        raise TypeError(f"{spec} is not callable")
    return function


def _score_field(name: str, cases: Sequence[Case]) -> FieldReport:
    report = FieldReport(name, cases=len(cases))
    for case in cases:
        for key in case.expected:
            report.keys.setdefault(key, [0, 0])[0] += 1
    try:
        function = _resolve(FIELD_FUNCTIONS[name])
    except Exception as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        return report
    for case in cases:
        try:
            got = dict(function(case.input))
        except Exception as exc:
            got = {"error": f"{type(exc).__name__}: {exc}"}
        right = [
            key for key in case.expected if values_match(key, got.get(key), case.expected[key])
        ]
        for key in right:
            report.keys[key][1] += 1
        if len(right) == len(case.expected):
            report.correct += 1
        else:
            shown = {key: got.get(key) for key in case.expected} | (
                {"error": got["error"]} if "error" in got else {}
            )
            report.failures.append(Failure(case.id, shown, case.expected))
    return report


def score_corpus(corpus_dir: Path) -> AccuracyReport:
    """Score every corpus file in ``corpus_dir`` against its field normalizer."""
    by_field: dict[str, list[Case]] = {}
    for case in load_cases(corpus_dir):
        by_field.setdefault(case.field, []).append(case)
    report = AccuracyReport()
    for name, cases in by_field.items():
        report.fields[name] = _score_field(name, cases)
    return report


def _print(report: AccuracyReport, minimum: float) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Field normalizer accuracy")
    for column in ("field", "key", "cases", "correct", "accuracy"):
        table.add_column(column, justify="left" if column in ("field", "key") else "right")
    for name, rep in report.fields.items():
        style = "red" if rep.accuracy < minimum else "green"
        shown = "error" if rep.error else f"{rep.accuracy:.3f}"
        table.add_row(name, "(all)", str(rep.cases), str(rep.correct), shown, style=style)
        for key, (cases, correct) in rep.keys.items():
            table.add_row("", key, str(cases), str(correct), f"{rep.key_accuracy(key):.3f}")
    console.print(table)
    for name, rep in report.fields.items():
        if rep.error:
            console.print(f"[red]{name}: {rep.error}[/red]")
        for failure in rep.failures:
            console.print(
                f"{name} {failure.case_id}: got {failure.got!r}, expected {failure.expected!r}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point: print the table, return 1 when a field is below ``--min``."""
    parser = argparse.ArgumentParser(prog="python -m normalizers.accuracy", description=__doc__)
    parser.add_argument("corpus_dir", nargs="?", default="tests/corpus", type=Path)
    parser.add_argument("--min", dest="minimum", type=float, default=0.98)
    args = parser.parse_args(argv)
    try:
        report = score_corpus(args.corpus_dir)
    except CorpusError as exc:
        print(f"corpus error: {exc}", file=sys.stderr)
        return 2
    _print(report, args.minimum)
    return 1 if report.below(args.minimum) else 0


if __name__ == "__main__":
    sys.exit(main())
