"""The school overview: aggregates from the published warehouse, by role.

Lincoln High has 19 instructional days from September 1 to 26, 2025 (the
weekdays but Friday the 12th). Ada, Bob and Carla are enrolled all along;
Ada is absent, unexcused, on the 15th and 16th. So Lincoln has 3 x 19 = 57
membership days and 55 days attended: ADA 55/19 = 2.89, ADM 57/19 = 3.0,
attendance rate 55/57 = 96.5%, and Ada (2 of 19 days, 10.5%) is the one of
the three counted students who is chronically absent.
"""

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from operational.db import make_engine, session_scope
from operational.services import attendance
from operational.settings import get_settings
from tests.support.app_database import serve_database
from tests.support.app_driver import texts
from warehouse.refresh import refresh

AS_OF = dt.date(2025, 9, 26)


@pytest.fixture(scope="module")
def built(app_template, tmp_path_factory) -> tuple[str, Path, dict[str, int]]:
    """The school with Ada's two absences and its warehouse, built once: the
    pages only read it."""
    template, ids = app_template
    directory = tmp_path_factory.mktemp("overview")
    shutil.copyfile(template, directory / "quad.db")
    url = f"sqlite:///{directory / 'quad.db'}"
    engine = make_engine(url)
    with session_scope(engine) as session:
        for day in (15, 16):
            attendance.record_daily(
                session,
                "test:registrar",
                student_id=ids["S1"],
                school_id=ids["lincoln"],
                attendance_date=dt.date(2025, 9, day),
                code="UA",
            )
    engine.dispose()
    path = directory / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        refresh(connection, url, get_settings(), AS_OF, full=True)
    return url, path, ids


@pytest.fixture
def app_database(built, tmp_path, monkeypatch):
    url, _, ids = built
    yield from serve_database(url, ids, tmp_path, monkeypatch)


@pytest.fixture
def published_warehouse(built, app_database, monkeypatch):
    monkeypatch.setenv("QUAD_WAREHOUSE_PATH", str(built[1]))
    get_settings.cache_clear()
    return built[1]


def lincoln_row(app):
    table = app.dataframe[0].value
    return table[table["school"] == "Lincoln High"].iloc[0]


def test_a_group_under_the_threshold_shows_no_figures(signed_in, published_warehouse):
    app = signed_in("leader", "overview.py")

    # Three students are fewer than the suppression threshold (10).
    row = lincoln_row(app)
    for column in ("students", "ada", "adm", "attendance_rate", "chronically_absent"):
        assert row[column] != row[column], column  # an empty (NaN) cell
    assert len(app.dataframe) == 1


def test_leadership_sees_school_aggregates(signed_in, published_warehouse, monkeypatch):
    monkeypatch.setenv("QUAD_SUPPRESSION_MIN_COUNT", "3")
    get_settings.cache_clear()

    app = signed_in("leader", "overview.py")

    row = lincoln_row(app)
    assert row["students"] == 3
    assert row["ada"] == pytest.approx(55 / 19)
    assert row["adm"] == pytest.approx(3.0)
    assert row["attendance_rate"] == pytest.approx(55 / 57)
    assert row["chronically_absent"] == pytest.approx(1 / 3)


def test_leadership_cannot_drill_down_to_students(
    signed_in, published_warehouse, caplog
):
    with caplog.at_level("WARNING", logger="operational.services.access"):
        app = signed_in("leader", "overview.py", query={"students": "1"})

    assert texts(app, "error") == [
        "your role (leadership) does not reach student-level rows"
    ]
    assert len(app.dataframe) == 1
    assert "leader (leadership) asked for student-level rows" in caplog.text


def test_an_administrator_drills_down_to_a_schools_students(
    signed_in, published_warehouse, app_database
):
    app = signed_in(
        "admin", "overview.py", query={"school": str(app_database.ids["lincoln"])}
    )

    students = app.dataframe[1].value
    assert list(students["student"]) == [
        "Lovelace, Ada",
        "Babbage, Bob",
        "Cruz, Carla",
    ]
    ada = students.iloc[0]
    assert (ada["days_enrolled"], ada["days_absent"]) == (19, 2)
    assert bool(ada["is_chronically_absent"]) is True


def test_without_a_warehouse_the_page_says_how_to_build_one(
    signed_in, tmp_path, monkeypatch
):
    monkeypatch.setenv("QUAD_WAREHOUSE_PATH", str(tmp_path / "none.duckdb"))
    get_settings.cache_clear()

    app = signed_in("leader", "overview.py")

    assert texts(app, "info") == [
        "The warehouse has not been built yet: run `quad pipeline run`."
    ]


def test_other_roles_do_not_reach_the_overview(signed_in):
    labels = [link.label for link in signed_in("teacher").get("page_link")]

    assert "School overview" not in labels
