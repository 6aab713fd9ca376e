"""Loading of the normalizers' vocabularies: phrase lists kept as YAML data, not code.

Each vocabulary is ``data/vocab/{name}.yaml`` inside the installed ``data`` package, read once
per process (the files are small and never change while a crawl runs).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@cache
def load_vocab(name: str) -> Any:
    """The parsed content of ``data/vocab/{name}.yaml`` (cached; treat it as read-only)."""
    if not _NAME.match(name):
        raise ValueError(f"invalid vocabulary name: {name!r}")
    resource = files("data").joinpath("vocab", f"{name}.yaml")
    return yaml.safe_load(resource.read_text(encoding="utf-8"))
