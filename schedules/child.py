"""One crawl in its own child process: started, watched, timed out or stopped, and explained.

The Twisted reactor cannot be restarted inside one process, so every crawl is a fresh
``python -m aggregator.cli crawl --source KEY``. The database URL goes to the child in its
environment, not on its command line, so a password never shows in ``ps``. The child's output
is relayed line by line into the scheduler's log (and the last lines kept to explain a crash).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from aggregator.config import DATABASE_ENV
from schedules.logs import crawl_context, relay_line

logger = logging.getLogger("aggregator.crawl.child")


@dataclass(slots=True)
class ChildOutcome:
    """How a crawl child ended, as the scheduler saw it."""

    returncode: int | None
    seconds: float
    timed_out: bool = False
    stopped: bool = False  # terminated by the scheduler at shutdown
    tail: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.stopped

    def describe(self, time_limit: float) -> str:
        """The outcome in words, for a run's ``error`` column."""
        if self.timed_out:
            return f"timed out after {time_limit:.0f}s: the crawl was killed"
        if self.stopped:
            return "scheduler stopping: crawl stopped after the grace period"
        code = self.returncode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"crawl process killed by {name}"
        if code:
            last = next((line for line in reversed(self.tail) if line.strip()), "")
            return f"crawl process exited with status {code}" + (f": {last}" if last else "")
        return "crawl process ended without closing its run"


class CrawlChild:
    """A running crawl process for one source."""

    def __init__(self, source: str, argv: Sequence[str], *, db_url: str) -> None:
        self.source = source
        self.argv = list(argv)
        self.env = {**os.environ, DATABASE_ENV: db_url}
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped = False
        self._tail: deque[str] = deque(maxlen=20)
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        """Spawn the child in its own session, so a terminal's Ctrl-C reaches only the scheduler."""
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = threading.Thread(
            target=self._relay, name=f"relay-{self.source}", daemon=True
        )
        self._reader.start()

    def _relay(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        with crawl_context(source=self.source):
            for raw in self.process.stdout:
                line = raw.decode("utf-8", "replace")
                self._tail.append(line.rstrip())
                relay_line(line, logger)

    def wait(self, time_limit: float, *, kill_after: float = 10.0) -> ChildOutcome:
        """Wait for the child; past ``time_limit`` it is terminated (then killed)."""
        assert self.process is not None
        began = time.monotonic()
        timed_out = False
        try:
            self.process.wait(timeout=time_limit)
        except subprocess.TimeoutExpired:
            timed_out = not self.stopped
            self.terminate(kill_after)
        if self._reader is not None:
            self._reader.join(timeout=5)
        return ChildOutcome(
            returncode=self.process.returncode,
            seconds=time.monotonic() - began,
            timed_out=timed_out,
            stopped=self.stopped,
            tail=list(self._tail),
        )

    def terminate(self, kill_after: float = 10.0, *, stopping: bool = False) -> None:
        """SIGTERM the child's process group, SIGKILL it if still alive after ``kill_after``."""
        if stopping:
            self.stopped = True
        process = self.process
        if process is None or process.poll() is not None:
            return
        self._signal(signal.SIGTERM)
        try:
            process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            process.wait()

    def _signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
