"""Normalization throughput per field and per posting, one JSON line per measurement.

Inputs are realistic (see :mod:`benchmarks.normalize_inputs`): recorded RemoteOK, Jobicy,
France Travail and Greenhouse bodies through their real mappings, and every sandbox board.
Each field is timed with the arguments ``build_posting`` gives it; ``posting`` is
``build_posting`` itself (every field normalizer in mapping order, plus validation) and
``mapping`` the whole ``map_record``. ``*_description`` rows are the stress case of a phrase
normalizer reading the full description. Figures are the median of ``--runs`` runs, on one
core (the process is single-threaded; it is pinned to one CPU where the OS allows).

    .venv/bin/python -m benchmarks normalize
    .venv/bin/python benchmarks/bench_normalize.py --sets remoteok sandbox --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.normalize_inputs import Call, load_sets
from normalizers.fields.contract import parse_contract_type
from normalizers.fields.dates import parse_date
from normalizers.fields.language import detect_language
from normalizers.fields.location import resolve_location
from normalizers.fields.remote import parse_remote
from normalizers.fields.salary_text import parse_salary_text
from normalizers.fields.text import clean_description, clean_inline
from normalizers.fields.working_time import parse_working_time
from normalizers.mappings import get_mapping
from normalizers.mappings.common import build_posting

Job = Callable[[], object]


def _texts(values: Any) -> list[str]:
    return [v.strip() for v in values or () if isinstance(v, str) and v.strip()]


def _number(value: object) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _jobs(call: Call) -> dict[str, Job]:
    """One zero-argument job per measurement, with the arguments build_posting would pass."""
    k, ctx = call.kwargs, call.ctx
    title = clean_inline(k.get("title")) or ""
    description = k.get("description_html_or_text")
    text = clean_description(description)[0] if description else ""
    location_text = k.get("location_text")
    location_raw = " ".join(location_text.split()) if isinstance(location_text, str) else None
    contract = _texts(k.get("contract_texts"))
    hours = _texts(k.get("working_time_texts"))
    hints = [*_texts(k.get("remote_texts")), *_texts([location_raw, title])]
    if k.get("remote_from_description"):
        hints.append(text)
    flag = k.get("remote_flag")
    salary = k.get("salary_raw")
    dates = [v for v in (k.get("posted_at"), k.get("valid_through")) if v not in (None, "")]
    jobs: dict[str, Job] = {
        "inline": lambda: (clean_inline(k.get("title")), clean_inline(k.get("company"))),
        "text": lambda: clean_description(description),
        "location": lambda: resolve_location(
            location_text if isinstance(location_text, str) else None,
            country_hint=ctx.country,
            city=k.get("city"),
            postal_code=k.get("postal_code"),
            region=k.get("region"),
            country=k.get("country"),
            latitude=_number(k.get("latitude")),
            longitude=_number(k.get("longitude")),
        ),
        "contract": lambda: parse_contract_type(*contract, title),
        "working_time": lambda: parse_working_time(*hours, title),
        "remote": lambda: parse_remote(*hints, flag=flag),
        "salary": lambda: parse_salary_text(salary, currency_hint=ctx.currency),
        "dates": lambda: [parse_date(v, tz=ctx.timezone, now=ctx.now) for v in dates],
        "language": lambda: detect_language(f"{title}\n{text}"),
        "posting": lambda: build_posting(ctx, **k),
        "contract_description": lambda: parse_contract_type(text),
        "working_time_description": lambda: parse_working_time(text),
        "remote_description": lambda: parse_remote(text),
    }
    if call.record is not None:
        mapping = get_mapping(call.kind)
        jobs["mapping"] = lambda: mapping.map_record(call.record, ctx)
    return jobs


def _time(jobs: list[Job], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds per job over ``runs`` passes (after one warm-up pass).

    CPU time is the steadier figure on a shared machine (waiting for the core is not counted).
    """
    for job in jobs:
        job()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        for job in jobs:
            job()
        wall.append((time.perf_counter() - start) / len(jobs))
        cpu.append((time.process_time() - start_cpu) / len(jobs))
    return statistics.median(wall), statistics.median(cpu)


def _pin() -> int | None:
    """Pin the process to one CPU so figures are one-core figures."""
    if hasattr(os, "sched_setaffinity"):
        cpu = sorted(os.sched_getaffinity(0))[-1]
        os.sched_setaffinity(0, {cpu})
        return cpu
    return None


def run(sets: list[str] | None, fields: list[str] | None, runs: int) -> list[dict[str, Any]]:
    """Time every field of every set; one result row per (set, field)."""
    rows = []
    for name, calls in load_sets(sets).items():
        prepared = [_jobs(call) for call in calls]
        chars = statistics.mean(len(c.kwargs.get("description_html_or_text") or "") for c in calls)
        for field in fields or list(prepared[0]):
            jobs = [job[field] for job in prepared if field in job]
            if not jobs:
                continue
            seconds, cpu = _time(jobs, runs)
            rows.append(
                {
                    "bench": "normalize",
                    "set": name,
                    "field": field,
                    "items": len(jobs),
                    "description_chars": round(chars),
                    "us_per_item": round(seconds * 1e6, 1),
                    "items_per_s": round(1 / seconds) if seconds else None,
                    "cpu_us_per_item": round(cpu * 1e6, 1),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", help="default: all (see normalize_inputs)")
    parser.add_argument("--fields", nargs="*", help="default: every measurement")
    parser.add_argument("--runs", type=int, default=5)
    args, _ = parser.parse_known_args(sys.argv[1:] if __name__ == "__main__" else [])
    cpu = _pin()
    for row in run(args.sets, args.fields, args.runs):
        print(json.dumps({**row, "cpu": cpu}), flush=True)


if __name__ == "__main__":
    main()
