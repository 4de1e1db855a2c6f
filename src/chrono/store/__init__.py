"""The store: the SQLite index (schema, writer, queries), its cache on disk, and the filters and search it answers.

May import chrono.model, chrono.errors, chrono.dates and chrono.read; never the output or the CLI.
"""
