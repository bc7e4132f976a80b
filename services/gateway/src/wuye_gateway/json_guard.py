"""JSON a person may send but no record may hold: refused at the front door, naming the field.

- a key given twice in one object (``{"code": "350521", "code": "350524"}``: a parser silently keeps the
  last, and a person was once registered in the wrong county that way);
- a string holding a lone UTF-16 surrogate (``"\\ud800"``: it cannot be stored as UTF-8 and used to end in
  a plain-text 500) or a NUL character (stored, it breaks exports, logs and PostgreSQL text columns);
- a body that is not UTF-8 at all.

Syntax errors are left to the application, which answers them as it answers any invalid body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Refusal:
    field: str
    detail: str
    rule: str = "json"


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _bad_text(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone UTF-16 surrogate (not a character)"
    return None


def _walk(value: Any, path: str) -> Refusal | None:
    if isinstance(value, str):
        reason = _bad_text(value)
        return Refusal(path or "body", f"{path or 'the body'} {reason}") if reason else None
    if isinstance(value, dict):
        for key, item in value.items():
            reason = _bad_text(key)
            if reason:
                return Refusal(path or "body", f"a key of {path or 'the body'} {reason}")
            found = _walk(item, f"{path}.{key}" if path else key)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _walk(item, f"{path}[{index}]")
            if found:
                return found
    return None


def check(body: bytes) -> Refusal | None:
    """Why a JSON body must be refused, or None (also for bodies that are not JSON at all)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Refusal("body", f"the body is not UTF-8 (byte {exc.start})")
    try:
        parsed = json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKey as duplicate:
        return Refusal(duplicate.key, f"the key {duplicate.key!r} is given more than once", rule="json-unique-keys")
    except ValueError:
        return None  # a syntax error: the application's own answer
    return _walk(parsed, "")
