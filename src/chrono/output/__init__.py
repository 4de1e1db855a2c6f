"""Output: the renderer (tables, JSON, JSONL, CSV, TSV, ids), the exports, citations and the terminal timeline.

May import chrono.model, chrono.errors, chrono.dates and chrono.store; never the CLI.
"""
