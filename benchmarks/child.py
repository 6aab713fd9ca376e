"""Measurements in processes of their own, and what those processes cost (CPU, peak memory)."""

from __future__ import annotations

import resource
import subprocess
import sys


def run_module(module: str, *args: str) -> str:
    """Stdout of ``python -m module args`` (a failure raises with the end of its stderr)."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout


def peak_mb() -> int:
    """Peak RSS of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children, e.g. a keys worker."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def children_peak_mb() -> int:
    """Peak RSS of the largest finished child: the keys worker's (an upper bound if the
    market was normalized in worker processes first)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
