"""Field accuracy, end to end: the labelled corpus and the sandbox market, one JSON line per score.

``corpus`` rows score each field normalizer on ``tests/corpus`` (the 98 % target of issue 5).
``sandbox`` rows score whole postings: every sandbox board rendered in its wire format, parsed,
mapped with its catalogue context and compared with the market's structured truth, per field
over all kinds (``kind: "all"``) and per kind. There ``missing`` (null where the truth has a
value) mostly means the format does not carry the field; ``wrong`` and ``spurious`` are
normalizer or mapping errors (see :mod:`benchmarks.accuracy_sandbox`).

    .venv/bin/python -m benchmarks accuracy
    .venv/bin/python benchmarks/bench_accuracy.py --scale 0.2 --seed 3
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.accuracy_sandbox import Tally, score_sandbox
from normalizers.accuracy import score_corpus

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"


def corpus_rows(corpus: Path = CORPUS) -> Iterator[dict[str, Any]]:
    """One row per corpus field: cases, correct, accuracy."""
    report = score_corpus(corpus)
    for name, field in report.fields.items():
        yield {
            "bench": "accuracy",
            "set": "corpus",
            "field": name,
            "cases": field.cases,
            "correct": field.correct,
            "accuracy": round(field.accuracy, 4),
            **({"error": field.error} if field.error else {}),
        }


def _row(kind: str, name: str, tally: Tally, seed: int, scale: float) -> dict[str, Any]:
    return {
        "bench": "accuracy",
        "set": "sandbox",
        "seed": seed,
        "scale": scale,
        "kind": kind,
        "field": name,
        "postings": tally.total,
        "accuracy": round(tally.accuracy, 4),
        "missing": tally.missing,
        "wrong": tally.wrong,
        "spurious": tally.spurious,
    }


def sandbox_rows(seed: int = 1, scale: float = 0.1) -> Iterator[dict[str, Any]]:
    """Per field over every kind, then per kind and field; a summary row first."""
    started = time.perf_counter()
    score = score_sandbox(seed=seed, scale=scale)
    yield {
        "bench": "accuracy",
        "set": "sandbox",
        "seed": seed,
        "scale": scale,
        "truth": score.truth,
        "mapped": score.mapped,
        "unreached": len(score.unreached),
        "seconds": round(time.perf_counter() - started, 2),
    }
    for name, tally in score.overall().items():
        yield _row("all", name, tally, seed, scale)
    for kind in sorted(score.by_kind):
        for name, tally in score.by_kind[kind].items():
            yield _row(kind, name, tally, seed, scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args, _ = parser.parse_known_args(sys.argv[1:] if __name__ == "__main__" else [])
    for row in corpus_rows(args.corpus):
        print(json.dumps(row), flush=True)
    for row in sandbox_rows(args.seed, args.scale):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
