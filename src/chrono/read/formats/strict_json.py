"""Strict JSON for chronology files: no NaN, no duplicate keys, no lone surrogates, bounded nesting.

The standard library's decoder does the parsing; these helpers reject what it would let through and
find the place of what it rejects, for FILE:LINE:COL messages.
"""

from __future__ import annotations

import re
from typing import Any


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _NonFinite(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k)
            seen.add(k)
    return d


def _constant(name: str) -> Any:
    raise _NonFinite(name)


_STRING = r'"(?:[^"\\]|\\.)*"'
_NONFINITE_RE = re.compile(_STRING + r"|(-?Infinity|NaN)")
_BIGNUM_RE = re.compile(_STRING + r"|(-?\d{4000,})")
_BRACKET_RE = re.compile(_STRING + r"|([\[{])|([\]}])")
_KEY_RE = re.compile(_STRING + r"|([\[{])|([\]}])")
_SURROGATE_RE = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
WS_RE = re.compile(r"[ \t\n\r]*")
SEPARATOR_RE = re.compile(r"[ \t\n\r]*+,[ \t\n\r]*+")
MAX_DEPTH = 200


def _first(pattern: re.Pattern[str], text: str, start: int = 0) -> int | None:
    for m in pattern.finditer(text, start):
        if m.group(1):
            return m.start(1)
    return None


def lone_surrogate(text: str) -> int | None:
    """The offset of a lone surrogate escape (\\ud800 without its pair), if any."""
    if "\\u" not in text and "\\U" not in text:
        return None
    for m in _SURROGATE_RE.finditer(text):
        s = m.group()
        if s != "\\\\" and len(s) == 6:
            return m.start()
    return None


def _too_deep(text: str, start: int = 0, depth: int = 0) -> int | None:
    for m in _BRACKET_RE.finditer(text, start):
        if m.group(1):
            depth += 1
            if depth > MAX_DEPTH:
                return m.start(1)
        elif m.group(2):
            depth -= 1
    return None


def _duplicate_key_offset(text: str, key: str, start: int = 0) -> int:
    target = '"' + key + '"'
    stack: list[set[str] | None] = []
    for m in _KEY_RE.finditer(text, start):
        if m.group(1):
            stack.append(set() if m.group(1) == "{" else None)
        elif m.group(2):
            if stack:
                stack.pop()
        elif stack and stack[-1] is not None:
            after = _skip(text, m.end())
            if text[after:after + 1] == ":":
                s = m.group()
                if s in stack[-1] and s == target:
                    return m.start()
                stack[-1].add(s)
    return start


def decoder() -> Any:
    """A strict JSON decoder: duplicate keys and NaN/Infinity raise."""
    import json

    return json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)


def json_problem(text: str, exc: BaseException, start: int = 0, depth: int = 0) -> tuple[int, str]:
    """(offset, message) for an exception raised while decoding JSON text from start (at this nesting depth)."""
    import json

    if isinstance(exc, json.JSONDecodeError):
        msg = exc.msg[0].lower() + exc.msg[1:]
        if exc.pos >= len(text.rstrip()) and msg.startswith("expecting"):
            msg = f"unexpected end of input ({msg}); the file looks truncated"
        return exc.pos, f"invalid JSON: {msg}"
    if isinstance(exc, _DuplicateKey):
        return _duplicate_key_offset(text, exc.key, start), f"duplicate key {exc.key!r} in an object; keep only one"
    if isinstance(exc, _NonFinite):
        return _first(_NONFINITE_RE, text, start) or start, f"{exc} is not valid JSON; use a string or null"
    if isinstance(exc, RecursionError):
        return (_too_deep(text, start, depth) or start,
                f"nesting deeper than {MAX_DEPTH} levels; a chronology is at most a few levels deep")
    return _first(_BIGNUM_RE, text, start) or start, f"number too large to convert ({str(exc).split(':')[0]})"


JSON_ERRORS: tuple[type[BaseException], ...] = (ValueError, RecursionError)


def members(text: str, start: int) -> list[tuple[str, int, int]]:
    """The (key, key offset, value offset) of the members of the JSON object starting at start."""
    scan = decoder().raw_decode
    out: list[tuple[str, int, int]] = []
    i = _skip(text, start + 1)
    if text[i:i + 1] == "}":
        return out
    while True:
        key_at = i
        key, i = scan(text, i)
        i = _skip(text, _skip(text, i) + 1)
        value_at = i
        _, i = scan(text, i)
        out.append((key, key_at, value_at))
        i = _skip(text, i)
        if text[i:i + 1] != ",":
            return out
        i = _skip(text, i + 1)


def _skip(text: str, i: int) -> int:
    """The index of the first character at or after i that is not JSON whitespace."""
    m = WS_RE.match(text, i)
    return m.end() if m is not None else i
