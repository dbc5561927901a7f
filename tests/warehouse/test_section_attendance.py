"""A teacher's section register reaches the warehouse's section mart.

On the school of `tests.support.app_school`, MATH-101-01 (Ada and Bob) is
marked on two days: on September 15 Ada unexcused absent and Bob tardy, on
September 16 only Bob, out of school on suspension. MATH-101-02 (Carla) is
never marked, so every day its student attended.
"""

import datetime as dt

import duckdb
from sqlalchemy.orm import Session

from operational.db import session_scope
from operational.services import registers
from operational.settings import Settings
from tests.support.app_school import build_app_school
from tests.support.databases import migrated_database
from warehouse.refresh import refresh

AS_OF = dt.date(2025, 9, 26)


def test_section_registers_are_counted_by_section_and_day(tmp_path):
    with migrated_database("sqlite", tmp_path) as engine:
        with Session(engine) as session:
            ids = build_app_school(session).ids()
            session.commit()
        marks = {
            dt.date(2025, 9, 15): {ids["S1"]: "UA", ids["S2"]: "T"},
            dt.date(2025, 9, 16): {ids["S1"]: None, ids["S2"]: "OSS"},
        }
        for day, day_marks in marks.items():
            with session_scope(engine) as session:
                registers.take_section_register(
                    session,
                    "test:teacher",
                    section_id=ids["section"],
                    day=day,
                    marks=day_marks,
                )
        url = str(engine.url)
        warehouse = tmp_path / "warehouse.duckdb"
        with duckdb.connect(str(warehouse)) as connection:
            settings = Settings(_env_file=None, database_url=url)
            refresh(connection, url, settings, AS_OF, full=True)
            rows = connection.execute(
                "select section_id, attendance_date, n_marked, n_absent, n_tardy "
                "from mart_section_attendance order by attendance_date"
            ).fetchall()

    assert rows == [
        (ids["section"], dt.date(2025, 9, 15), 2, 1, 1),
        (ids["section"], dt.date(2025, 9, 16), 1, 1, 0),
    ]
