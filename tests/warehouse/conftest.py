"""Fixtures of the mart tests: the test district (district.py and the
modules beside it), built once through the services and refreshed into a
warehouse file as of October 15 2025; a connection to it for each test.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy.orm import Session

from operational import migrate
from operational.db import make_engine, session_scope
from operational.settings import Settings
from tests.support.school import build_school
from tests.warehouse.district import (
    AS_OF,
    District,
    add_catalogue,
    add_october,
    add_years,
)
from tests.warehouse.district_operations import add_coursework, add_fees
from tests.warehouse.district_students import (
    add_cohorts,
    add_early_warning,
    add_movements,
    add_progression,
)
from warehouse.refresh import refresh


def settings_for(url: str) -> Settings:
    """The metric parameters at their documented defaults, whatever the
    environment of the test run says."""
    return Settings(
        _env_file=None,
        database_url=url,
        school_day_minutes=360,
        chronic_absence_min_days=10,
        suppression_min_count=10,
        count_date_month=10,
        count_date_day=1,
    )


def build_district(session: Session) -> District:
    school = build_school(session)
    district = District(school, add_years(session, school))
    add_october(session, district)
    add_catalogue(session, district)
    add_cohorts(session, district)
    add_progression(session, district)
    add_early_warning(session, district)
    add_movements(session, district)
    add_coursework(session, district)
    add_fees(session, district)
    return district


@pytest.fixture(scope="session")
def marts_district(tmp_path_factory) -> tuple[Path, District]:
    """The warehouse file of the test district, and who is who in it."""
    directory = tmp_path_factory.mktemp("marts")
    url = f"sqlite:///{directory / 'quad.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        district = build_district(session)
    engine.dispose()

    path = directory / "w.duckdb"
    connection = duckdb.connect(str(path))
    try:
        refresh(connection, url, settings_for(url), AS_OF)
    finally:
        connection.close()
    return path, district


@pytest.fixture(scope="session")
def district(marts_district) -> District:
    return marts_district[1]


@pytest.fixture
def warehouse(marts_district) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the built warehouse, closed after the test so that
    Great Expectations can open the file afterwards."""
    connection = duckdb.connect(str(marts_district[0]))
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def warehouse_copy(marts_district, tmp_path) -> Path:
    """A copy of the warehouse file that a test may break."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(marts_district[0], copy)
    return copy
