"""Keys computed in a worker process: the same keys and clusters, and failures that surface."""

from __future__ import annotations

import os
import signal
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dedupe.engine import Deduper
from dedupe.keys import compute_keys
from dedupe.market_data import normalized_market
from dedupe.parallel_keys import KeysWorker, KeysWorkerError, flat_keys, keys_of, pipelined
from dedupe.records import DedupeRecord, posting_key


@pytest.fixture(scope="module")
def records() -> list[DedupeRecord]:
    """The sandbox market (seed 1, small scale) as dedupe records, in store keys."""
    postings, _ = normalized_market(1, 0.05, 0)
    return [DedupeRecord.from_posting(p, key=posting_key(p)) for p in postings]


def _batches(records: list[DedupeRecord], size: int) -> list[list[DedupeRecord]]:
    return [records[start : start + size] for start in range(0, len(records), size)]


def _gone(pid: int) -> bool:
    """Whether a process no longer exists (the worker was ended and reaped)."""
    return not Path(f"/proc/{pid}").exists()


def test_flat_keys_read_back_equal(records: list[DedupeRecord]) -> None:
    keys = [compute_keys(r) for r in records]
    bare = replace(records[0], description="", salary_min=None, salary_max=None)
    keys.append(compute_keys(bare))  # neither a description print nor a salary
    kinds = {(k.salary is None, k.description is None) for k in keys}
    assert {(True, False), (False, False), (True, True)} <= kinds
    assert [keys_of(flat_keys(k)) for k in keys] == keys


def test_worker_keys_equal_keys_computed_here(records: list[DedupeRecord]) -> None:
    seen: dict[str, Any] = {}
    batches = _batches(records, 97)
    for batch, keys in pipelined(batches, lambda b: b):
        assert list(keys) == [r.key for r in batch]
        seen.update(keys)
    assert seen == {r.key: compute_keys(r) for r in records}


def test_clusters_with_worker_keys_equal_clusters_without(records: list[DedupeRecord]) -> None:
    inline, piped = Deduper(), Deduper()
    batches = _batches(records, 150)
    expected = [inline.add(batch) for batch in batches]
    got = [piped.add(batch, keys) for batch, keys in pipelined(batches, lambda b: b)]
    assert got == expected
    assert piped.clusters() == inline.clusters()
    assert any(len(members) > 1 for members in piped.clusters().values())


def test_a_key_given_twice_is_left_to_the_engine(records: list[DedupeRecord]) -> None:
    first, second = records[0], records[1]
    again = replace(first, title=f"{first.title} senior")
    with KeysWorker() as worker:
        worker.submit([first, second, again])
        keys = worker.result()
    assert keys == {second.key: compute_keys(second)}


def test_an_error_in_the_worker_surfaces_and_ends_it(records: list[DedupeRecord]) -> None:
    before = _children()
    broken = replace(records[0], title=None)  # type: ignore[arg-type]
    batches = [records[:50], [broken, *records[50:60]], records[60:100]]
    got: list[int] = []
    with pytest.raises(KeysWorkerError, match="AttributeError") as raised:
        for batch, _ in pipelined(batches, lambda b: b):
            got.append(len(batch))
    assert got == [50]  # the first batch came, the broken one did not
    assert "compute_keys" in str(raised.value)  # the worker's traceback
    assert _children() <= before


def test_a_dead_worker_is_an_error_not_a_hang(records: list[DedupeRecord]) -> None:
    with KeysWorker() as worker:
        worker.submit(records[:500])
        os.kill(worker.pid, signal.SIGKILL)
        with pytest.raises(KeysWorkerError, match="exited with code -9"):
            worker.result()
        with pytest.raises(KeysWorkerError, match="exited with code -9"):
            worker.submit(records[:5])
    assert _gone(worker.pid)


def test_one_batch_at_a_time(records: list[DedupeRecord]) -> None:
    with KeysWorker() as worker:
        worker.submit(records[:10])
        with pytest.raises(KeysWorkerError, match="one batch at a time"):
            worker.submit(records[10:20])
        assert list(worker.result()) == [r.key for r in records[:10]]
        worker.submit(records[10:20])
        assert list(worker.result()) == [r.key for r in records[10:20]]


def test_the_worker_ends_with_its_caller(records: list[DedupeRecord]) -> None:
    before = _children()
    pids: list[int] = []
    with KeysWorker() as worker:
        pids.append(worker.pid)
        worker.submit(records[:10])
        worker.result()
    with pytest.raises(ValueError, match="caller"), KeysWorker() as worker:
        pids.append(worker.pid)
        worker.submit(records[:2000])  # left computing
        raise ValueError("the caller failed")
    batches = pipelined(_batches(records, 100), lambda b: b)
    next(batches)
    batches.close()  # a consumer leaving early (break, error) closes the generator
    assert all(_gone(pid) for pid in pids)
    assert _children() <= before


def _children() -> set[int]:
    """Live child processes of this one."""
    out: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        out.update(int(pid) for pid in (task / "children").read_text().split())
    return out
