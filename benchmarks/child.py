"""Run a measurement in a process of its own, so its peak memory and CPU are its own."""

from __future__ import annotations

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
