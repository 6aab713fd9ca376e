"""Dedupe accuracy and a side-by-side run of splink, on the sandbox market's real path.

The postings are the sandbox boards rendered in their wire formats, parsed and mapped by the
real adapters (:func:`dedupe.market_data.normalized_market`, cached on disk). Prints one JSON
line per measurement: ours and splink's pairwise and B-cubed precision / recall / F1 with
wall and CPU times. The cost per posting as the store grows is
:mod:`benchmarks.bench_dedupe_curve` (``python -m benchmarks dedupe_curve``).

``python -m benchmarks dedupe`` runs a bounded default (seed 1 at scale 1.0). Environment:
``DEDUPE_BENCH_SEEDS=1,2,3``, ``DEDUPE_BENCH_SCALES=1.0``, ``DEDUPE_BENCH_SPLINK_MAX=40000``
(largest market splink runs on; 0 skips it),
``DEDUPE_MARKET_CACHE=~/.cache/job-aggregator/dedupe-market``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from aggregator.schema import Posting
from dedupe.engine import Deduper
from dedupe.evaluate import Quality, evaluate
from dedupe.keys import compute_keys
from dedupe.market_data import normalized_market
from dedupe.records import DedupeRecord, posting_key

SPLINK_THRESHOLDS = (0.5, 0.9, 0.99, 0.999, 0.9999)


def _env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _cache() -> Path:
    default = Path.home() / ".cache" / "job-aggregator" / "dedupe-market"
    return Path(os.environ.get("DEDUPE_MARKET_CACHE", default)).expanduser()


def _emit(row: dict[str, Any]) -> None:
    print(orjson.dumps(row).decode(), flush=True)


def _quality(q: Quality) -> dict[str, float]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(q).items()}


def records_of(postings: Sequence[Posting]) -> list[DedupeRecord]:
    """Dedupe records keyed as the store keys postings."""
    return [DedupeRecord.from_posting(p, key=posting_key(p)) for p in postings]


def run_ours(records: list[DedupeRecord], truth: dict[str, str]) -> dict[str, Any]:
    """Our dedupe from scratch on one market, timed, scored against the truth."""
    start, cpu = time.perf_counter(), time.process_time()
    deduper = Deduper()
    deduper.add(records)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "cpu_ms_per_posting": round(1000 * cpu / len(records), 3) if records else 0.0,
        **_quality(evaluate(deduper.clusters(), truth)),
    }


def _splink_rows(records: list[DedupeRecord]) -> list[dict[str, Any]]:
    """The fields splink compares, cleaned by our key builders (same inputs as ours)."""
    rows = []
    for r in records:
        k = compute_keys(r)
        words = sorted(k.title_tokens, key=lambda t: (-len(t), t))
        rows.append(
            {
                "unique_id": r.key,
                "title": k.title or None,
                "title_word": words[0] if words else None,
                "company": k.company or None,
                "city": k.place.city or None,
                "postal_code": k.place.postal_code or None,
                "country": k.place.country or None,
                "contract": r.contract_type.value if r.contract_type else None,
                "salary_k": str(round(k.salary.low / 2000)) if k.salary else None,
                "description": k.description.prefix[:300] if k.description else None,
                "posted": r.posted_at.date().isoformat() if r.posted_at else None,
            }
        )
    return rows


def run_splink(records: list[DedupeRecord], truth: dict[str, str]) -> Iterator[dict[str, Any]]:
    """splink (DuckDB) trained by EM on the same postings; one row per cluster threshold."""
    import pyarrow as pa
    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    table = pa.Table.from_pylist(_splink_rows(records))
    table = table.set_column(
        table.schema.get_field_index("posted"),
        "posted",
        table.column("posted").cast(pa.string()).cast(pa.date32()),
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("company", "title_word"),
            block_on("city", "title_word"),
            block_on("company", "city"),
            block_on("substr(description, 1, 80)"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("title", [0.95, 0.88, 0.75]),
            cl.JaroWinklerAtThresholds("company", [0.95, 0.85]),
            cl.ExactMatch("city"),
            cl.ExactMatch("postal_code"),
            cl.ExactMatch("country"),
            cl.ExactMatch("contract"),
            cl.JaroWinklerAtThresholds("description", [0.97, 0.9, 0.8]),
            cl.ExactMatch("salary_k"),
            cl.AbsoluteDateDifferenceAtThresholds(
                "posted", input_is_string=False, metrics=["day", "day"], thresholds=[3, 14]
            ),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    linker = Linker(db.register(table), settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("company", "title", "city")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("company"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("city"))
    predictions = linker.inference.predict(threshold_match_probability=min(SPLINK_THRESHOLDS))
    trained = time.perf_counter() - start
    for threshold in SPLINK_THRESHOLDS:
        t0 = time.perf_counter()
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        clusters: dict[str, list[str]] = {}
        for row in clustered.as_record_list():
            clusters.setdefault(str(row["cluster_id"]), []).append(str(row["unique_id"]))
        seconds = trained + time.perf_counter() - t0
        yield {
            "threshold": threshold,
            "seconds": round(seconds, 2),
            "splink_version": splink.__version__,
            **_quality(evaluate(clusters, truth)),
        }


def main() -> None:
    """Accuracy (ours and splink) per seed and scale."""
    seeds = [int(s) for s in _env_list("DEDUPE_BENCH_SEEDS", "1")]
    scales = [float(s) for s in _env_list("DEDUPE_BENCH_SCALES", "1.0")]
    splink_max = int(os.environ.get("DEDUPE_BENCH_SPLINK_MAX", "40000"))
    for scale in scales:
        for seed in seeds:
            postings, truth = normalized_market(seed, scale, cache_dir=_cache(), workers=2)
            records = records_of(postings)
            del postings
            base = {"seed": seed, "scale": scale, "postings": len(records)}
            _emit({"bench": "dedupe_ours", **base, **run_ours(records, truth)})
            if len(records) <= splink_max:
                for row in run_splink(records, truth):
                    _emit({"bench": "dedupe_splink", **base, **row})


if __name__ == "__main__":
    main()
