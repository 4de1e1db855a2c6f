"""Chronology file formats: one small reader per format, chosen by extension or by the content.

A new format is one module with a Reader subclass (see base.Reader) and one line in FORMATS.
"""

from __future__ import annotations

import os
from importlib import import_module

from chrono.read.formats.base import STDIN, Reader, display_name
from chrono.read.formats.stream import TextStream

# kind: (module, class, file extensions)
FORMATS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "json": ("chrono.read.formats.json_reader", "JsonReader", (".json",)),
    "jsonl": ("chrono.read.formats.jsonl_reader", "JsonlReader", (".jsonl", ".ndjson")),
    "csv": ("chrono.read.formats.csv_reader", "CsvReader", (".csv",)),
    "tsv": ("chrono.read.formats.csv_reader", "TsvReader", (".tsv", ".tab")),
}


def detect_kind(path: str, text: str) -> str:
    """The format of a file: from its extension, else sniffed from the content."""
    suffix = os.path.splitext(path)[1].lower() if path != STDIN else ""
    for kind, (_, _, suffixes) in FORMATS.items():
        if suffix in suffixes:
            return kind
    head = text[:4096].lstrip()
    if not head or head[:1] == "[":
        return "json"
    if head[:1] == "{":
        first, _, rest = head.partition("\n")
        if rest.strip() and first.rstrip().endswith("}") and rest.lstrip().startswith("{"):
            return "jsonl"
        return "json"
    first = head.partition("\n")[0]
    return "tsv" if "\t" in first and "," not in first and ";" not in first else "csv"


def open_reader(path: str, digest: bool = False) -> Reader:
    """Open a file (or stdin) as a stream and pick the reader for its format (digest: hash the bytes read)."""
    stream = TextStream(path, display_name(path), digest=digest)
    stream.open()
    return reader_for(detect_kind(path, stream.head()), stream)


def reader_for(kind: str, stream: TextStream) -> Reader:
    """The reader of a format over a stream."""
    module, cls, _ = FORMATS[kind]
    reader: Reader = getattr(import_module(module), cls)(stream.name, stream)
    return reader
