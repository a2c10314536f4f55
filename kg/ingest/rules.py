"""The wording rules of kg/ingest/rules.yaml, loaded once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

RULES_PATH = Path(__file__).with_name("rules.yaml")


@cache
def rules() -> dict:
    """The parsed rules.yaml (cached: the rules do not change while a process runs)."""
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
