"""Keys of a load's next batch, computed in a second process while this one stores the batch before.

Why: storing 10,000 postings spends about a sixth of its CPU computing their comparison keys
(:func:`dedupe.keys.compute_keys`), a pure function of each record, while the rest (the engine,
the SQL reads and writes, the offers) is sequential. A loader that reads its input a batch ahead
hands that batch to :meth:`KeysAhead.submit`; the worker of :mod:`dedupe.parallel_keys`
computes its keys while this process stores the current batch, and the engine takes them
(:meth:`KeysAhead.take`) instead of computing them.

Keys made ahead are used only for a record equal to the one they were made for: the record is
built from the posting as the loader will store it, and the stored row may say something else
(the upsert closes a posting past its ``valid_through``, a repeated key keeps one version), so
a precomputed key never changes a result, it only saves computing one. A worker that fails or
dies costs only that saving: its batches' keys are computed here, and no new worker starts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aggregator.dedupe_store.rows import to_record
from aggregator.schema import Posting
from aggregator.store.postings import posting_values
from dedupe.keys import Keys
from dedupe.parallel_keys import KeysWorker, KeysWorkerError
from dedupe.records import DedupeRecord

log = logging.getLogger(__name__)


def expected_record(posting: Posting) -> DedupeRecord:
    """The dedupe record of a posting as it will be stored new (open)."""
    return to_record({**posting_values(posting), "closed_at": None})


class KeysAhead:
    """A worker computing the keys of submitted batches, one batch in flight, kept until taken.

    Started at the first :meth:`submit`; :meth:`close` ends it (call it when the load ends).
    """

    def __init__(self) -> None:
        self._worker: KeysWorker | None = None
        self._failed = False  # the worker failed once: keys are computed inline from then on
        self._in_flight: dict[str, DedupeRecord] = {}
        self._ready: dict[str, tuple[DedupeRecord, Keys]] = {}

    def submit(self, postings: Sequence[Posting]) -> None:
        """Start computing the keys of postings the loader will store in a coming batch."""
        self._collect()  # one batch in flight (see :class:`KeysWorker`)
        if self._failed or not postings:
            return
        records = [expected_record(p) for p in postings]
        try:
            if self._worker is None:
                self._worker = KeysWorker()
            self._worker.submit(records)
        except (KeysWorkerError, OSError) as error:
            self._fail(error)
            return
        self._in_flight = {r.key: r for r in records}

    def take(self, records: Sequence[DedupeRecord]) -> dict[str, Keys]:
        """Keys made ahead for these records (only where the record is the one expected); the
        other keys made so far are dropped (postings the batch did not find new)."""
        if any(r.key in self._in_flight for r in records):
            self._collect()  # this batch's (the last one's: no batch after it was submitted)
        out: dict[str, Keys] = {}
        for record in records:
            found = self._ready.get(record.key)
            if found is not None and found[0] == record:
                out[record.key] = found[1]
        self._ready.clear()
        return out

    def close(self) -> None:
        """End the worker and forget keys not taken."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        self._in_flight, self._ready = {}, {}

    def _collect(self) -> None:
        """Move the keys of the batch in flight to those ready to take (waits for them)."""
        if not self._in_flight or self._worker is None:
            return
        expected, self._in_flight = self._in_flight, {}
        try:
            keys = self._worker.result()
        except KeysWorkerError as error:
            self._fail(error)
            return
        self._ready.update((key, (expected[key], k)) for key, k in keys.items())

    def _fail(self, error: Exception) -> None:
        log.warning("keys worker failed, computing keys in this process: %s", error)
        self._failed = True
        if self._worker is not None:
            self._worker.close(kill=True)
            self._worker = None
