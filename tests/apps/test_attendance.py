"""The attendance page: a roster for a day, exceptions saved in one click.

Grace Hopper (account teacher) teaches MATH-101-01 with Ada Lovelace (S1)
and Bob Babbage (S2); Alan Turing (teacher2) teaches MATH-101-02 with Carla
Cruz (S3). Monday 2025-09-15 is a school day, Friday 2025-09-12 a staff
development day.
"""

import datetime as dt

from sqlalchemy import select

from operational.models import AttendanceCorrection, DailyAttendance, SectionAttendance
from tests.support.app_driver import texts
from tests.support.app_school import SCHOOL_DAY

HOSTILE = "<script>alert(1)</script> '; drop table student; --"


def open_register(signed_in, username="teacher", day=SCHOOL_DAY, query=None):
    app = signed_in(username, "attendance.py", query=query)
    app.date_input(key="attendance_day").set_value(day).run()
    assert not app.exception, app.exception
    return app


def form_key(app_database, day=SCHOOL_DAY, section="section"):
    return f"section_{app_database.ids[section]}_{day}"


def mark(app, key, student_id, code, comment=None):
    app.selectbox(key=f"{key}_mark_{student_id}_None").set_value(code)
    if comment is not None:
        app.text_input(key=f"{key}_comment_{student_id}_None").input(comment)


def section_marks(app_database):
    with app_database.session() as session:
        return session.execute(
            select(
                SectionAttendance.student_id,
                SectionAttendance.code,
                SectionAttendance.comment,
            ).order_by(SectionAttendance.student_id)
        ).all()


def test_a_teacher_sees_their_roster_with_everyone_present(signed_in, app_database):
    app = open_register(signed_in)

    assert app.selectbox(key="attendance_section").options == ["MATH-101-01 Algebra I"]
    key = form_key(app_database)
    for student in ("S1", "S2"):
        status = app.selectbox(key=f"{key}_mark_{app_database.ids[student]}_None")
        assert status.value is None
        assert status.format_func(status.value) == "Present"
    assert app.query_params["section"] == str(app_database.ids["section"])


def test_saving_records_the_exceptions_and_shows_them_after_a_reload(
    signed_in, app_database
):
    app = open_register(signed_in)
    key = form_key(app_database)
    ada = app_database.ids["S1"]

    mark(app, key, ada, "UA", comment=HOSTILE)
    app.form_submit_button[0].click().run()

    assert texts(app, "success") == [
        "Attendance saved for 2025-09-15: 1 marked, everyone else present."
    ]
    # Stored verbatim, shown in a text field (escaped), in no HTML element.
    assert section_marks(app_database) == [(ada, "UA", HOSTILE)]
    saved = app.selectbox(key=f"{key}_mark_{ada}_UA")
    assert (saved.value, saved.disabled) == ("UA", True)
    assert app.text_input(key=f"{key}_comment_{ada}_UA").value == HOSTILE
    assert not any("alert(1)" in html.proto.body for html in app.get("html"))

    reloaded = open_register(signed_in)
    assert reloaded.selectbox(key=f"{key}_mark_{ada}_UA").value == "UA"


def test_a_refused_save_writes_nothing_and_keeps_the_marks(signed_in, app_database):
    staff_day = dt.date(2025, 9, 12)
    app = open_register(signed_in, day=staff_day)
    key = form_key(app_database, day=staff_day)
    ada = app_database.ids["S1"]

    mark(app, key, ada, "UA", comment="no note")
    app.form_submit_button[0].click().run()

    assert texts(app, "error") == [
        f"2025-09-12 is not an instructional day at school "
        f"{app_database.ids['lincoln']} (staff development); attendance is taken "
        "only on instructional days"
    ]
    assert section_marks(app_database) == []
    assert app.selectbox(key=f"{key}_mark_{ada}_None").value == "UA"
    assert app.text_input(key=f"{key}_comment_{ada}_None").value == "no note"


def test_another_teachers_section_is_refused_even_by_its_address(
    signed_in, app_database
):
    other = app_database.ids["other_section"]
    app = open_register(signed_in, query={"section": str(other)})

    assert texts(app, "error") == [
        "your role (teacher) does not reach section MATH-101-02"
    ]
    assert app.get("form") == []
    assert section_marks(app_database) == []


def test_an_unknown_section_in_the_address_is_refused(signed_in):
    app = open_register(signed_in, query={"section": "9999"})

    assert texts(app, "error") == ["no section with id 9999"]


def test_a_saved_mark_is_corrected_with_a_reason(signed_in, app_database):
    app = open_register(signed_in)
    key = form_key(app_database)
    ada = app_database.ids["S1"]
    mark(app, key, ada, "UA")
    app.form_submit_button[0].click().run()

    app.selectbox(key=f"{key}_correct_code").set_value("EA")
    app.form_submit_button[1].click().run()
    assert texts(app, "error") == [
        "a correction needs a reason, for the record's history"
    ]
    assert section_marks(app_database) == [(ada, "UA", None)]

    app.text_input(key=f"{key}_correct_reason").input("note from home")
    app.form_submit_button[1].click().run()

    assert texts(app, "success") == [
        "Correction saved; the previous mark is kept in the history."
    ]
    assert section_marks(app_database) == [(ada, "EA", None)]
    with app_database.session() as session:
        history = session.execute(
            select(
                AttendanceCorrection.previous_code,
                AttendanceCorrection.new_code,
                AttendanceCorrection.reason,
                AttendanceCorrection.corrected_by,
            )
        ).one()
    assert tuple(history) == ("UA", "EA", "note from home", "teacher")


def test_a_registrar_takes_the_daily_register_of_their_school(signed_in, app_database):
    app = open_register(signed_in, "registrar")
    app.radio(key="attendance_kind").set_value("Daily register").run()

    assert app.selectbox(key="attendance_school").options == ["Lincoln High"]
    lincoln = app_database.ids["lincoln"]
    key = f"daily_{lincoln}_None_{SCHOOL_DAY}"
    carla = app_database.ids["S3"]
    mark(app, key, carla, "T")
    app.form_submit_button[0].click().run()

    assert texts(app, "success") == [
        "Attendance saved for 2025-09-15: 1 marked, everyone else present."
    ]
    with app_database.session() as session:
        recorded = session.execute(
            select(DailyAttendance.student_id, DailyAttendance.code)
        ).all()
    assert recorded == [(carla, "T")]


def test_a_teacher_has_no_daily_register(signed_in):
    app = open_register(signed_in)

    assert app.radio(key="attendance_kind").options == ["Section"]


def test_the_page_is_not_in_a_counselors_menu(signed_in):
    app = signed_in("counselor")

    labels = [link.label for link in app.get("page_link")]
    assert "Attendance" not in labels
    assert "Caseload" in labels


def test_the_address_opens_the_register_of_its_day(signed_in, app_database):
    app = signed_in(
        "teacher",
        "attendance.py",
        query={"section": str(app_database.ids["section"]), "day": "2025-09-15"},
    )

    assert app.date_input(key="attendance_day").value == SCHOOL_DAY
    assert app.selectbox(key="attendance_section").value == app_database.ids["section"]
