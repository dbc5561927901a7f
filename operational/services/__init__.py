"""The only code that writes the operational database.

A service takes a `Session`, validates, writes inside a savepoint and records
an audit row; the caller owns the transaction and commits it.
"""
