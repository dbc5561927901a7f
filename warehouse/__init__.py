"""Warehouse SQL models, expectation suites and metric definitions."""
