"""Facts about AWS that ship with tagcheck: taggable types, instance specs, list prices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_DATA = Path(__file__).with_name("data")


def read_data(name: str) -> Any:
    """A JSON document of ``catalog/data``, read from beside this file (not through
    importlib.resources, whose import alone costs a warm run about 5 ms: the package is
    always installed as files)."""
    return json.loads((_DATA / name).read_text(encoding="utf-8"))
