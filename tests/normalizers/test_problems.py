"""ProblemLog: counts per (source, field), bounded samples, merge and JSON round trip."""

from __future__ import annotations

import json

from normalizers.problems import MAX_VALUE_CHARS, ProblemLog


def test_counts_and_bounded_samples() -> None:
    log = ProblemLog()
    for n in range(8):
        log.record("remoteok", "salary", f"raw {n}", "unparsable")
    log.record("remoteok", "posted_at", None, "missing")
    log.record("greenhouse", "salary", {"min": "x"}, "not a number")
    assert log.counts() == {
        ("remoteok", "salary"): 8,
        ("remoteok", "posted_at"): 1,
        ("greenhouse", "salary"): 1,
    }
    assert [s.raw for s in log.samples("remoteok", "salary")] == [f"raw {n}" for n in range(5)]
    assert [s.raw for s in log.samples(field="salary")][-1] == "{'min': 'x'}"
    assert log.samples("remoteok", "posted_at")[0].raw == "None"
    assert log.total() == 10 and len(log) == 10 and log


def test_long_values_are_truncated() -> None:
    log = ProblemLog()
    log.record("s", "description", "x" * 5000, "too long")
    raw = log.samples()[0].raw
    assert len(raw) == MAX_VALUE_CHARS and raw.endswith("…")


def test_merge_adds_counts_and_keeps_sample_bound() -> None:
    first, second = ProblemLog(), ProblemLog()
    for n in range(3):
        first.record("a", "salary", n, "bad")
        second.record("a", "salary", n + 10, "bad")
    second.record("b", "remote", "maybe", "unknown flag")
    first.merge(second)
    assert first.counts() == {("a", "salary"): 6, ("b", "remote"): 1}
    assert [s.raw for s in first.samples("a")] == ["0", "1", "2", "10", "11"]


def test_as_dict_is_json_ready_and_round_trips() -> None:
    log = ProblemLog()
    log.record("ft", "salary", "Selon expérience", "no amount")
    log.record("ft", "salary", b"\xff", "bytes")
    data = json.loads(json.dumps(log.as_dict()))
    assert data["total"] == 2
    assert data["problems"][0]["source"] == "ft" and data["problems"][0]["count"] == 2
    again = ProblemLog.from_dict(data)
    assert again.counts() == log.counts() and again.as_dict() == log.as_dict()


def test_empty_log() -> None:
    log = ProblemLog()
    assert not log and log.as_dict() == {"total": 0, "problems": []}
