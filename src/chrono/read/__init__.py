"""Reading chronologies: one reader per file format, the normaliser, the checker, and the loader that runs them.

May import chrono.model, chrono.errors and chrono.dates; never the store, the output or the CLI.
"""
