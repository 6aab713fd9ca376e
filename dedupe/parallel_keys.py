"""Comparison keys computed in a second process while the engine assigns the batch before.

Why: :func:`dedupe.keys.compute_keys` is about two fifths of a posting's CPU in the engine and
a pure function of one record, while the assignment is sequential. With a worker process
computing the keys of batch n+1 while this process assigns batch n, a 2-core machine spends
about max(engine without keys, keys) of wall time per posting instead of their sum.

Why these choices:

- One worker started with ``python -m dedupe.parallel_keys`` (not ``multiprocessing``): it
  imports only dedupe, never the caller's ``__main__``, holds no copy of the caller's memory
  (a fork of a 3 GB engine would), and its pipes give a plain protocol whose end of file
  tells a dead worker at once.
- Compact transfer: records go as tuples of their fields, keys come back as tuples of theirs
  (nested places, prints and salaries flattened), pickled per batch. Pickling the frozen
  dataclasses themselves costs three times more to read back, and reading back is CPU of the
  process that is the bottleneck.
- No threads: :func:`pipelined` takes a batch's keys before it submits the next one, so the
  worker is always reading when this process writes and the pipes cannot deadlock.
- Failures surface: an exception in the worker comes back as :class:`KeysWorkerError` with its
  traceback, a worker that dies is one at the next read or write, and leaving the ``with``
  block (normally, or on any error) ends the worker: none outlives its caller.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import struct
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from types import TracebackType
from typing import IO, Any, TypeVar

from dedupe.fingerprint import DescriptionPrint
from dedupe.keys import Keys, compute_keys
from dedupe.places import Place
from dedupe.records import DedupeRecord
from dedupe.salary import AnnualSalary

T = TypeVar("T")

_HEADER = struct.Struct("<cQ")  # kind (b"R" records / b"K" keys / b"E" error), payload bytes
_STOP_SECONDS = 10.0
_PIPE_BYTES = 1 << 20  # the default /proc/sys/fs/pipe-max-size

_record_fields = attrgetter(*(f.name for f in fields(DedupeRecord)))
_place_fields = attrgetter(*(f.name for f in fields(Place)))
_print_fields = attrgetter(*(f.name for f in fields(DescriptionPrint)))
_salary_fields = attrgetter(*(f.name for f in fields(AnnualSalary)))
_KEY_NAMES = [f.name for f in fields(Keys)]
_keys_fields = attrgetter(*_KEY_NAMES)
_PLACE, _PRINT, _SALARY = (_KEY_NAMES.index(n) for n in ("place", "description", "salary"))


def usable_cores() -> int:
    """Cores this process may run on: on one, a worker would only add its transfer."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class KeysWorkerError(RuntimeError):
    """The keys worker raised, died, or could not be reached."""


def flat_keys(keys: Keys) -> tuple[Any, ...]:
    """Keys as a tuple of plain values (place, print and salary as tuples of theirs)."""
    out = list(_keys_fields(keys))
    out[_PLACE] = _place_fields(keys.place)
    if keys.description is not None:
        out[_PRINT] = _print_fields(keys.description)
    if keys.salary is not None:
        out[_SALARY] = _salary_fields(keys.salary)
    return tuple(out)


def keys_of(flat: tuple[Any, ...]) -> Keys:
    """The :class:`Keys` a :func:`flat_keys` tuple came from (equal to them)."""
    values = list(flat)
    values[_PLACE] = Place(*values[_PLACE])
    if values[_PRINT] is not None:
        values[_PRINT] = DescriptionPrint(*values[_PRINT])
    if values[_SALARY] is not None:
        values[_SALARY] = AnnualSalary(*values[_SALARY])
    return Keys(*values)


def _widen(pipe: IO[bytes] | None) -> None:
    """A 1 MiB pipe buffer instead of 64 KiB where allowed: a batch then crosses in a few
    writes, not one handover between the processes every 64 KiB (each one a wait for the
    other to be scheduled, on a busy machine)."""
    if pipe is None or not hasattr(fcntl, "F_SETPIPE_SZ"):
        return
    with contextlib.suppress(OSError):  # above the system's limit: keep the default
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _write(stream: IO[bytes], kind: bytes, payload: bytes) -> None:
    stream.write(_HEADER.pack(kind, len(payload)))
    stream.write(payload)
    stream.flush()


def _read(stream: IO[bytes]) -> tuple[bytes, bytes] | None:
    """The next frame, or None at a clean end of stream (raises EOFError on a cut one)."""
    header = stream.read(_HEADER.size)
    if not header:
        return None
    if len(header) < _HEADER.size:
        raise EOFError("stream cut inside a frame header")
    kind, size = _HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError("stream cut inside a frame")
    return kind, payload


class KeysWorker:
    """One worker process computing the keys of submitted batches, answered in order.

    Use it as a context manager; :meth:`submit` a batch, then :meth:`result` takes its keys.
    One batch at a time: with two in flight, this process could block writing the second
    while the worker blocks writing the first one's keys (see :func:`pipelined`).
    """

    def __init__(self) -> None:
        env = dict(os.environ)
        # the worker imports the very modules this process runs (a checkout, not an install)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "dedupe.parallel_keys"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        for pipe in (self._proc.stdin, self._proc.stdout):
            _widen(pipe)
        self._in_flight: list[str] | None = None  # record keys of the batch submitted
        self.waited = 0.0  # seconds spent waiting for answers (the worker behind this process)

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self._proc.pid

    def submit(self, records: Sequence[DedupeRecord]) -> None:
        """Send a batch to compute (its keys come back from :meth:`result`)."""
        if self._in_flight is not None:
            raise KeysWorkerError("one batch at a time: take the keys of the last one first")
        payload = pickle.dumps([_record_fields(r) for r in records], pickle.HIGHEST_PROTOCOL)
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            _write(stdin, b"R", payload)
        except (BrokenPipeError, OSError, ValueError) as error:
            raise self._dead() from error
        self._in_flight = [r.key for r in records]

    def result(self) -> dict[str, Keys]:
        """Keys of the submitted batch, by record key.

        A key given twice in the batch is left out: the engine keeps one version of it (the
        latest state) and computes its keys itself, as it would without this worker.
        """
        keys = self._in_flight
        if keys is None:
            raise KeysWorkerError("no batch submitted")
        stdout = self._proc.stdout
        assert stdout is not None
        started = time.perf_counter()
        try:
            frame = _read(stdout)
        except (EOFError, OSError, ValueError) as error:
            raise self._dead() from error
        finally:
            self.waited += time.perf_counter() - started
        if frame is None:
            raise self._dead()
        kind, payload = frame
        if kind == b"E":
            raise KeysWorkerError(f"keys worker failed:\n{payload.decode(errors='replace')}")
        self._in_flight = None
        flat: list[tuple[Any, ...]] = pickle.loads(payload)
        if len(flat) != len(keys):
            raise KeysWorkerError(f"keys worker answered {len(flat)} keys for {len(keys)}")
        out = {key: keys_of(k) for key, k in zip(keys, flat, strict=True)}
        if len(out) < len(keys):
            for key, count in Counter(keys).items():
                if count > 1:
                    del out[key]
        return out

    def close(self, *, kill: bool = False) -> None:
        """End the worker: asked to stop (end of its input), or killed at once."""
        proc = self._proc
        if kill and proc.poll() is None:
            proc.kill()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a pipe the dead worker broke
                    stream.close()
        try:
            proc.wait(timeout=_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _dead(self) -> KeysWorkerError:
        """The error for a worker that stopped answering (its exit code, once it is gone)."""
        self.close(kill=True)
        self._in_flight = None
        return KeysWorkerError(f"keys worker exited with code {self._proc.returncode}")

    def __enter__(self) -> KeysWorker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(kill=kind is not None)


@dataclass(slots=True)
class Waits:
    """How long the caller waited for keys (the worker was behind), for benchmarks."""

    seconds: float = 0.0


def pipelined(
    batches: Iterable[T],
    records: Callable[[T], Sequence[DedupeRecord]],
    waits: Waits | None = None,
) -> Generator[tuple[T, dict[str, Keys]], None, None]:
    """Each batch with its keys (record key -> Keys), the next batch's keys computed by a
    worker while the caller works on this one.

    The next batch is taken from ``batches`` before this one is yielded (its reading overlaps
    the worker's computing); the worker ends with the iteration, or when it is closed.
    """
    with KeysWorker() as worker:  # started first: it loads its tables while we read a batch
        ahead = iter(batches)
        current = next(ahead, None)
        if current is None:
            return
        worker.submit(records(current))
        while current is not None:
            following = next(ahead, None)
            keys = worker.result()  # the worker is idle now: the next submit cannot block on it
            if waits is not None:
                waits.seconds = worker.waited
            if following is not None:
                worker.submit(records(following))
            yield current, keys
            current = following


_WARM_UP = DedupeRecord("", "", "", "https://example.org/1", "Cuisinier", "A", "", "Paris", "75001")


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The worker's loop: batches of record tuples in, batches of flat keys out."""
    compute_keys(_WARM_UP)  # vocabulary and gazetteer loaded before the first batch comes
    while True:
        frame = _read(stdin)
        if frame is None:
            return
        kind, payload = frame
        try:
            if kind != b"R":
                raise ValueError(f"unknown frame kind {kind!r}")
            batch = [DedupeRecord(*values) for values in pickle.loads(payload)]
            answer = pickle.dumps(
                [flat_keys(compute_keys(r)) for r in batch], pickle.HIGHEST_PROTOCOL
            )
        except Exception:  # any failure goes back to the caller, then the worker stops
            _write(stdout, b"E", traceback.format_exc().encode())
            return
        _write(stdout, b"K", answer)


def main() -> None:
    """Serve the parent process on stdin/stdout until it closes stdin."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print cannot garble a frame
    try:
        _serve(sys.stdin.buffer, answers)
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the parent went away or was interrupted: it reports, not us
    finally:
        with contextlib.suppress(OSError):
            answers.close()


if __name__ == "__main__":
    main()
