"""The caseload page: the counselor's students, their absences and marks.

Counselor Carl Rogers (account `counselor`) has Ada Lovelace (S1) on his
caseload. Ada is absent on September 3 (UA) and 4 (EA, 200 of 360
minutes), absent for 60 minutes on September 5 (under half a day, so
present) and tardy on September 8: two days absent. Her P2 mark in
MATH-101-01 is 78, a C.
"""

import datetime as dt

import pytest

from operational.models import Student
from operational.services import attendance, grading, records
from tests.support.app_driver import new_app, texts
from tests.support.page_guard import run_page, run_page_as
from tests.support.school import ACTOR

PAGE = "caseload.py"
DENIED = "your role (counselor) does not reach student {}"


@pytest.fixture
def ada_record(app_database):
    ids = app_database.ids
    absences = [
        (dt.date(2025, 9, 3), "UA", None),
        (dt.date(2025, 9, 4), "EA", 200),
        (dt.date(2025, 9, 5), "EA", 60),
        (dt.date(2025, 9, 8), "T", None),
    ]
    with app_database.session() as session:
        for day, code, minutes in absences:
            attendance.record_daily(
                session,
                ACTOR,
                student_id=ids["S1"],
                school_id=ids["lincoln"],
                attendance_date=day,
                code=code,
                minutes_absent=minutes,
            )
        grading.post_mark(
            session,
            ACTOR,
            student_id=ids["S1"],
            section_id=ids["section"],
            grading_period_id=ids["open_period"],
            percent=78,
        )


def table(app, index=0):
    return app.dataframe[index].value


def test_the_page_needs_a_sign_in(app_database):
    app, statements = run_page(PAGE)
    entry = new_app().run()

    assert texts(app, "warning") == ["Sign in to use Quad."]
    assert [t.value for t in app.title] == []
    assert statements == []
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        entry.switch_page(f"views/{PAGE}")


def test_the_counselor_sees_absences_and_marks(signed_in, ada_record):
    app = signed_in("counselor", PAGE)

    assert [t.value for t in app.title] == ["Caseload"]
    listed = table(app)
    assert listed["Student"].tolist() == ["Lovelace, Ada"]
    assert listed["Days absent"].tolist() == [2]
    assert listed["Current marks"].tolist() == ["MATH-101-01 Algebra I: 78.00 C (P2)"]
    assert "Days absent this year: 2" in texts(app, "text")
    marks = table(app, 1)
    assert marks[["Section", "Percent", "Letter"]].values.tolist() == [
        ["MATH-101-01", "78.00", "C"]
    ]


def test_a_student_without_records_has_no_absences_and_no_marks(signed_in):
    app = signed_in("counselor", PAGE)

    assert table(app)["Days absent"].tolist() == [0]
    assert table(app)["Current marks"].tolist() == ["none yet"]
    assert "No marks posted yet this year." in texts(app, "text")


def test_a_student_off_the_caseload_is_refused_by_url(signed_in, app_database):
    bob = app_database.ids["S2"]

    app = signed_in("counselor", PAGE, query={"student": str(bob)})

    assert texts(app, "error") == [DENIED.format(bob)]
    assert not app.dataframe
    assert "Babbage" not in " ".join(texts(app, "text") + texts(app, "markdown"))


def test_a_student_on_the_caseload_is_opened_by_url(signed_in, app_database):
    ada = app_database.ids["S1"]

    app = signed_in("counselor", PAGE, query={"student": str(ada)})

    assert app.selectbox(key="caseload_student").value == ada
    assert not app.error


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("teacher", "teacher"),
        ("registrar", "registrar"),
        ("admin", "administrator"),
        ("leader", "leadership"),
        ("finance", "finance officer"),
    ],
)
def test_other_roles_are_refused(signed_in, app_database, username, role):
    menu = signed_in(username)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        menu.switch_page(f"views/{PAGE}")

    app, statements = run_page_as(app_database, username, PAGE)

    assert not app.exception
    assert [t.value for t in app.title] == []
    assert texts(app, "error") == [f"your role ({role}) does not reach the page {PAGE}"]
    assert not app.dataframe
    assert statements == []


def test_names_are_shown_escaped(signed_in, app_database):
    hostile = "<script>alert(1)</script>"
    with app_database.session() as session:
        ada = session.get(Student, app_database.ids["S1"])
        records.update(session, ada, ACTOR, first_name=hostile)

    app = signed_in("counselor", PAGE)

    assert table(app)["Student"].tolist() == [f"Lovelace, {hostile}"]
    assert app.selectbox(key="caseload_student").options == [
        f"Lovelace, {hostile} (S1)"
    ]
    assert not app.get("html")
    assert all(hostile not in element for element in texts(app, "markdown"))
