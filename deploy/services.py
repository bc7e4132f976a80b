"""The platform's services, from services.toml (one list; see its comment for who reads it).

``python deploy/services.py`` prints them, space-separated, for the Makefile.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LIST = Path(__file__).resolve().parent.parent / "services.toml"

#: in start order
SERVICES: tuple[str, ...] = tuple(tomllib.loads(LIST.read_text(encoding="utf-8"))["services"])

if __name__ == "__main__":
    print(*SERVICES)
