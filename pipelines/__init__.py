"""Dagster pipelines: operational database to DuckDB warehouse."""
