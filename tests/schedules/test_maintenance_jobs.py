"""Every maintenance job the scheduler registers names a real function."""

from __future__ import annotations

import importlib

from schedules.maintenance import MAINTENANCE


def test_maintenance_jobs_resolve_to_functions() -> None:
    ids = [job_id for job_id, _, _ in MAINTENANCE]
    assert "maintenance:snapshot" in ids and len(set(ids)) == len(ids)
    for _, target, _ in MAINTENANCE:
        module, name = target.split(":")
        assert callable(getattr(importlib.import_module(module), name)), target
