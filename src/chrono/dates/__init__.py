"""Dates: EDTF values, both calendars, dates as people write and read them, and intervals between dates.

May import chrono.model and chrono.errors only.
"""
