"""The admissions and enrollment page: a new student with guardians enrolled
in one save, finding a student, enrolling, transferring and withdrawing,
each refusal, and the registrar's scope of schools.

The fixture school (tests.support.app_school): Lincoln High and Roosevelt
High teach grades 9 to 12 in the 2025-2026 year (August 25 2025 to June 12
2026); S1 Ada Lovelace, S2 Bob Babbage and S3 Carla Cruz are in grade 9 at
Lincoln from September 1 2025, S4 Dana Diaz at Roosevelt; the registrar
account serves Lincoln only.
"""

import datetime as dt

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from operational.models import (
    AuditLog,
    Enrollment,
    Guardian,
    Student,
    StudentGuardian,
)
from operational.services import enrollment
from tests.support.app_driver import new_app, texts
from tests.support.page_guard import run_page, run_page_as
from tests.support.writes import row_counts

TITLE = "Admissions and enrollment"
TABLES = (Student, Guardian, StudentGuardian, Enrollment)

SEP_1 = dt.date(2025, 9, 1)
SEP_15 = dt.date(2025, 9, 15)
SCRIPT = "<script>alert(1)</script>"
INJECTION = "'; drop table student; --"


def counts(app_database) -> dict[str, int]:
    with app_database.session() as session:
        return row_counts(session, *TABLES)


def fill_new_student(app: AppTest, **changes) -> None:
    """Type a new student, Eve Noether, with one guardian, entering
    grade 9 on September 15 2025; `changes` replace values by widget key."""
    values = {
        "new_number": "S9",
        "new_first": "Eve",
        "new_last": "Noether",
        "new_birth": dt.date(2010, 5, 6),
        "new_sex": "F",
        "new_race": "asian",
        "guardian1_first": "Emmy",
        "guardian1_last": "Noether",
        "guardian1_relationship": "mother",
        "guardian1_email": "emmy@example.org",
        "new_entry": SEP_15,
    } | changes
    for key, value in values.items():
        set_widget(app, key, value)


SELECTBOXES = {"new_sex", "new_race", "new_year", "new_entry_code"} | {
    f"guardian{n}_relationship" for n in (1, 2)
}


def set_widget(app: AppTest, key: str, value) -> None:
    if isinstance(value, dt.date):
        app.date_input(key=key).set_value(value)
    elif isinstance(value, bool):
        app.checkbox(key=key).set_value(value)
    elif key in SELECTBOXES or key.startswith("new_grade_"):
        app.selectbox(key=key).set_value(value)
    else:
        app.text_input(key=key).input(value)


def submit(app: AppTest, label: str) -> AppTest:
    [button] = [b for b in app.button if b.label == label]
    return button.click().run()


def enrollments_of(app_database, student_id: int) -> list[tuple]:
    with app_database.session() as session:
        return session.execute(
            select(
                Enrollment.school_id,
                Enrollment.grade_level,
                Enrollment.entry_date,
                Enrollment.entry_code,
                Enrollment.exit_date,
                Enrollment.exit_code,
            )
            .where(Enrollment.student_id == student_id)
            .order_by(Enrollment.entry_date)
        ).all()


def open_enrollment_id(app_database, student_id: int) -> int:
    with app_database.session() as session:
        return session.scalar(
            select(Enrollment.enrollment_id).where(
                Enrollment.student_id == student_id, Enrollment.exit_date.is_(None)
            )
        )


def enrollments_of_ids(app_database, student_id: int) -> list[int]:
    with app_database.session() as session:
        return session.scalars(
            select(Enrollment.enrollment_id).where(Enrollment.student_id == student_id)
        ).all()


# Sign-in and roles


def test_the_page_shows_nothing_and_queries_nothing_before_sign_in(app_database):
    page, statements = run_page("students.py")

    assert not page.exception
    assert texts(page, "warning") == ["Sign in to use Quad."]
    assert [title.value for title in page.title] == []
    assert statements == []


def test_the_app_does_not_open_the_page_before_sign_in(app_database):
    app = new_app().run()

    # Signed out, the menu holds only the sign-in page: there is no way in.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("views/students.py")
    assert TITLE not in [title.value for title in app.title]
    assert [widget.key for widget in app.text_input] == [
        "sign_in_name",
        "sign_in_password",
    ]


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("teacher", "teacher"),
        ("counselor", "counselor"),
        ("finance", "finance officer"),
        ("leader", "leadership"),
    ],
)
def test_roles_other_than_registrar_and_administrator_are_refused(
    signed_in, app_database, username, role
):
    # The menu leaves the page out, and the page itself refuses the role
    # before it runs a query.
    app = signed_in(username)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("views/students.py")
    page, statements = run_page_as(app_database, username, "students.py")

    assert not page.exception, page.exception
    assert texts(page, "error") == [
        f"your role ({role}) does not reach the page students.py"
    ]
    assert TITLE not in [title.value for title in page.title]
    assert statements == []


# A new student


def test_a_new_student_with_two_guardians_is_saved_and_enrolled(
    signed_in, app_database
):
    ids = app_database.ids
    app = signed_in("registrar", "students.py")
    before = counts(app_database)
    fill_new_student(
        app,
        new_middle="Amalie",
        new_language="German",
        **{f"new_grade_{ids['lincoln']}": 10},
        new_entry_code="transfer_from_outside",
        guardian1_phone="555-0101",
        guardian2_first="Max",
        guardian2_last="Noether",
        guardian2_relationship="father",
        guardian2_phone="555-0102",
        guardian2_custody=False,
    )

    submit(app, "Save and enroll")

    assert not app.exception, app.exception
    assert texts(app, "error") == []
    assert texts(app, "success") == [
        "New student saved and enrolled in grade 10 from 2025-09-15."
    ]
    with app_database.session() as session:
        student = session.scalars(
            select(Student).where(Student.student_number == "S9")
        ).one()
        saved = (
            student.first_name,
            student.middle_name,
            student.last_name,
            student.birth_date,
            student.sex,
            student.race_ethnicity,
            student.home_language,
        )
        guardians = session.execute(
            select(
                Guardian.first_name,
                Guardian.email,
                Guardian.phone,
                StudentGuardian.relationship,
                StudentGuardian.is_primary_contact,
                StudentGuardian.has_custody,
            )
            .join(StudentGuardian)
            .where(StudentGuardian.student_id == student.student_id)
            .order_by(Guardian.first_name)
        ).all()
        actions = session.execute(
            select(AuditLog.actor, AuditLog.action, AuditLog.table_name)
            .where(AuditLog.audit_log_id > before["audit_log"])
            .order_by(AuditLog.audit_log_id)
        ).all()
    assert saved == (
        "Eve",
        "Amalie",
        "Noether",
        dt.date(2010, 5, 6),
        "F",
        "asian",
        "German",
    )
    assert guardians == [
        ("Emmy", "emmy@example.org", "555-0101", "mother", True, True),
        ("Max", None, "555-0102", "father", False, False),
    ]
    assert enrollments_of(app_database, student.student_id) == [
        (ids["lincoln"], 10, SEP_15, "transfer_from_outside", None, None)
    ]
    # One student, two guardians, two links and one enrollment, each audited.
    assert counts(app_database) == {
        "student": before["student"] + 1,
        "guardian": before["guardian"] + 2,
        "student_guardian": before["student_guardian"] + 2,
        "enrollment": before["enrollment"] + 1,
        "audit_log": before["audit_log"] + 6,
    }
    assert actions == [
        ("registrar", "create", "student"),
        ("registrar", "create", "guardian"),
        ("registrar", "create", "student_guardian"),
        ("registrar", "create", "guardian"),
        ("registrar", "create", "student_guardian"),
        ("registrar", "enroll", "enrollment"),
    ]
    # The form is empty for the next family; the new student is shown.
    assert app.text_input(key="new_number").value == ""
    assert app.query_params["student"] == str(student.student_id)
    assert any("Eve Noether, student number S9" in t.value for t in app.text)


def test_a_new_student_without_a_second_guardian_gets_one(signed_in, app_database):
    app = signed_in("registrar", "students.py")
    before = counts(app_database)
    fill_new_student(app)

    submit(app, "Save and enroll")

    assert texts(app, "error") == []
    after = counts(app_database)
    assert after["guardian"] == before["guardian"] + 1
    assert after["student_guardian"] == before["student_guardian"] + 1


REFUSALS = [
    pytest.param(
        {"new_number": "S1"},
        "the student number S1 is already taken; a student keeps one number "
        "across the district, so find that student instead of creating a new one",
        id="duplicate number",
    ),
    pytest.param(
        {"new_birth": dt.date(2025, 9, 20)},
        "the birth date 2025-09-20 is not before the entry date 2025-09-15",
        id="birth after entry",
    ),
    pytest.param(
        {"new_entry": dt.date(2026, 7, 1)},
        "the entry date 2026-07-01 is outside the 2025-2026 school year "
        "(2025-08-25 to 2026-06-12)",
        id="entry outside the year",
    ),
    pytest.param(
        {"guardian1_email": "emmy.example.org"},
        "'emmy.example.org', the email of guardian 1, is not an email address",
        id="bad email",
    ),
    pytest.param(
        {"guardian2_first": "Max", "guardian2_primary": True},
        "guardian 2 needs a first and a last name",
        id="nameless second guardian",
    ),
    pytest.param(
        {
            "guardian2_first": "Max",
            "guardian2_last": "Noether",
            "guardian2_relationship": "father",
            "guardian2_primary": True,
        },
        "mark exactly one guardian as the primary contact (2 are marked)",
        id="two primary contacts",
    ),
    pytest.param(
        {"guardian1_email": ""},
        "the primary contact needs an email address or a phone number, so the "
        "school can reach them",
        id="unreachable primary contact",
    ),
]


@pytest.mark.parametrize(("changes", "message"), REFUSALS)
def test_a_refused_new_student_writes_nothing_and_keeps_the_form(
    signed_in, app_database, changes, message
):
    app = signed_in("registrar", "students.py")
    before = counts(app_database)
    fill_new_student(app, **changes)

    submit(app, "Save and enroll")

    assert not app.exception, app.exception
    assert texts(app, "error") == [message]
    assert texts(app, "success") == []
    assert counts(app_database) == before
    typed = {"new_number": "S9", "new_first": "Eve", "guardian1_first": "Emmy"}
    typed |= {k: v for k, v in changes.items() if k in typed}
    for key, value in typed.items():
        assert app.text_input(key=key).value == value
    assert app.date_input(key="new_entry").value == changes.get("new_entry", SEP_15)


def test_a_grade_the_school_does_not_teach_is_not_offered(signed_in, app_database):
    app = signed_in("registrar", "students.py")

    assert app.selectbox(key=f"new_grade_{app_database.ids['lincoln']}").options == [
        "grade 9",
        "grade 10",
        "grade 11",
        "grade 12",
    ]


def test_a_missing_choice_is_refused_with_the_record_message(signed_in, app_database):
    app = signed_in("registrar", "students.py")
    before = counts(app_database)
    fill_new_student(app, new_sex=None)

    submit(app, "Save and enroll")

    assert texts(app, "error") == ["a student needs a value for sex"]
    assert counts(app_database) == before
    assert app.text_input(key="new_last").value == "Noether"


def test_script_and_sql_text_is_saved_verbatim_and_shown_escaped(
    signed_in, app_database
):
    app = signed_in("registrar", "students.py")
    fill_new_student(app, new_first=SCRIPT, new_last=INJECTION, guardian1_first=SCRIPT)

    submit(app, "Save and enroll")

    assert texts(app, "error") == []
    with app_database.session() as session:
        student = session.scalars(
            select(Student).where(Student.student_number == "S9")
        ).one()
        guardian_names = session.scalars(
            select(Guardian.first_name)
            .join(StudentGuardian)
            .where(StudentGuardian.student_id == student.student_id)
        ).all()
    assert (student.first_name, student.last_name) == (SCRIPT, INJECTION)
    assert guardian_names == [SCRIPT]
    assert any(f"{SCRIPT} {INJECTION}, student number S9" in t.value for t in app.text)
    assert all(SCRIPT not in element.value for element in app.markdown)
    assert not list(app.get("html"))


# Scope


def test_a_registrar_is_offered_only_their_schools(signed_in, app_database):
    app = signed_in("registrar", "students.py")

    assert app.selectbox(key="new_school").options == ["Lincoln High"]


def test_a_school_outside_scope_in_the_address_is_refused(signed_in, app_database):
    roosevelt = app_database.ids["roosevelt"]
    app = signed_in("registrar", "students.py", {"school": str(roosevelt)})

    assert texts(app, "error") == [
        f"your role (registrar) does not reach school {roosevelt}"
    ]
    assert not [widget for widget in app.text_input if widget.key == "new_number"]


def test_an_administrator_enrolls_at_any_school_from_the_address(
    signed_in, app_database
):
    ids = app_database.ids
    app = signed_in("admin", "students.py", {"school": str(ids["roosevelt"])})
    assert app.selectbox(key="new_school").value == ids["roosevelt"]
    fill_new_student(app, **{f"new_grade_{ids['roosevelt']}": 11})

    submit(app, "Save and enroll")

    assert texts(app, "error") == []
    with app_database.session() as session:
        student_id = session.scalar(
            select(Student.student_id).where(Student.student_number == "S9")
        )
    assert enrollments_of(app_database, student_id) == [
        (ids["roosevelt"], 11, SEP_15, "new", None, None)
    ]


def test_a_student_outside_scope_in_the_address_is_refused(signed_in, app_database):
    dana = app_database.ids["S4"]
    app = signed_in("registrar", "students.py", {"student": str(dana)})

    assert texts(app, "error") == [
        f"your role (registrar) does not reach student {dana}"
    ]
    assert not any("Dana" in t.value for t in app.text)


def test_a_search_finds_only_students_of_the_registrars_schools(
    signed_in, app_database
):
    app = signed_in("registrar", "students.py")
    app.text_input(key="find_text").input("Diaz").run()

    assert texts(app, "info") == [
        "No student in your schools matches that number or name."
    ]

    app = signed_in("admin", "students.py")
    app.text_input(key="find_text").input("Diaz").run()
    assert app.selectbox(key="find_pick").options == ["Diaz, Dana (S4)"]


# Finding a student


def test_a_student_is_found_by_number_or_name_with_enrollments(signed_in, app_database):
    app = signed_in("registrar", "students.py")
    app.text_input(key="find_text").input("s1").run()

    assert app.selectbox(key="find_pick").options == ["Lovelace, Ada (S1)"]
    assert app.query_params["student"] == str(app_database.ids["S1"])
    [enrollments, guardians] = app.dataframe
    assert enrollments.value.to_dict("records") == [
        {
            "School": "Lincoln High",
            "Year": "2025-2026",
            "Grade": "grade 9",
            "Entry date": SEP_1,
            "Entry code": "New",
            "Exit date": None,
            "Exit code": "",
        }
    ]
    assert guardians.value["Name"].tolist() == ["Anne Lovelace"]

    app.text_input(key="find_text").input("ba").run()
    assert app.selectbox(key="find_pick").options == ["Babbage, Bob (S2)"]


# Transfer and withdraw


def find(app: AppTest, number: str) -> AppTest:
    return app.text_input(key="find_text").input(number).run()


def test_a_transfer_ends_the_stay_and_enrolls_at_the_other_school(
    signed_in, app_database
):
    ids = app_database.ids
    app = find(signed_in("registrar", "students.py"), "S1")
    app.selectbox(key="transfer_school").set_value(ids["roosevelt"])
    app.date_input(key="transfer_date").set_value(dt.date(2025, 9, 22))

    submit(app, "Transfer")

    assert texts(app, "success") == ["Transferred to Roosevelt High from 2025-09-22."]
    assert enrollments_of(app_database, ids["S1"]) == [
        (ids["lincoln"], 9, SEP_1, "new", dt.date(2025, 9, 21), "transfer_in_district"),
        (
            ids["roosevelt"],
            9,
            dt.date(2025, 9, 22),
            "transfer_in_district",
            None,
            None,
        ),
    ]
    # Lincoln's registrar still finds Ada, but Roosevelt now moves her.
    assert texts(app, "info") == [
        "The student is now enrolled at Roosevelt High, which your account does "
        "not serve; that school transfers or withdraws them."
    ]


@pytest.mark.parametrize(
    ("first_day", "grade", "message"),
    [
        (
            SEP_1,
            None,
            "a transfer starting 2025-09-01 would end the current enrollment "
            "before its entry date 2025-09-01",
        ),
        (
            dt.date(2025, 9, 22),
            5,
            "Roosevelt High teaches grade 9 to grade 12, not grade 5",
        ),
    ],
    ids=["before entry", "grade outside the school"],
)
def test_a_refused_transfer_writes_nothing(
    signed_in, app_database, first_day, grade, message
):
    ids = app_database.ids
    app = find(signed_in("registrar", "students.py"), "S1")
    before = counts(app_database)
    app.selectbox(key="transfer_school").set_value(ids["roosevelt"])
    app.date_input(key="transfer_date").set_value(first_day)
    app.selectbox(key="transfer_grade").set_value(grade)

    submit(app, "Transfer")

    assert texts(app, "error") == [message]
    assert counts(app_database) == before
    # The refused enrollment also undid the withdrawal that came first.
    assert enrollments_of(app_database, ids["S1"]) == [
        (ids["lincoln"], 9, SEP_1, "new", None, None)
    ]
    assert app.date_input(key="transfer_date").value == first_day
    assert app.selectbox(key="transfer_grade").value == grade


def test_a_withdrawal_records_the_exit_date_and_code(signed_in, app_database):
    ids = app_database.ids
    app = find(signed_in("registrar", "students.py"), "S2")
    app.date_input(key="withdraw_date").set_value(dt.date(2025, 9, 19))
    app.selectbox(key="withdraw_code").set_value("transfer_out_district")

    submit(app, "Withdraw")

    assert texts(app, "success") == ["Withdrawn; the last day was 2025-09-19."]
    assert enrollments_of(app_database, ids["S2"]) == [
        (ids["lincoln"], 9, SEP_1, "new", dt.date(2025, 9, 19), "transfer_out_district")
    ]


@pytest.mark.parametrize(
    ("exit_date", "exit_code", "message"),
    [
        (
            dt.date(2025, 8, 29),
            "dropped_out",
            "the exit date 2025-08-29 is before the entry date 2025-09-01",
        ),
        (
            dt.date(2025, 9, 19),
            None,
            "an exit needs both an exit date and an exit code",
        ),
    ],
    ids=["before entry", "no exit code"],
)
def test_a_refused_withdrawal_writes_nothing(
    signed_in, app_database, exit_date, exit_code, message
):
    app = find(signed_in("registrar", "students.py"), "S2")
    before = counts(app_database)
    app.date_input(key="withdraw_date").set_value(exit_date)
    app.selectbox(key="withdraw_code").set_value(exit_code)

    submit(app, "Withdraw")

    assert texts(app, "error") == [message]
    assert counts(app_database) == before
    assert app.date_input(key="withdraw_date").value == exit_date
    assert app.selectbox(key="withdraw_code").value == exit_code


# Enrolling a student found without a current enrollment


@pytest.fixture
def bob_withdrawn(app_database) -> int:
    """S2 Bob Babbage, withdrawn after Friday September 19."""
    bob = app_database.ids["S2"]
    with app_database.session() as session:
        enrollment.withdraw(
            session,
            "test:registrar",
            open_enrollment_id(app_database, bob),
            exit_date=dt.date(2025, 9, 19),
            exit_code="dropped_out",
        )
    return bob


def test_a_withdrawn_student_is_enrolled_again(signed_in, app_database, bob_withdrawn):
    ids = app_database.ids
    app = signed_in("registrar", "students.py", {"student": str(bob_withdrawn)})
    app.selectbox(key="enroll_grade").set_value(9)
    app.date_input(key="enroll_date").set_value(dt.date(2025, 9, 29))
    app.selectbox(key="enroll_code").set_value("reentry")

    submit(app, "Enroll")

    assert texts(app, "success") == [
        "Enrolled at Lincoln High in grade 9 from 2025-09-29."
    ]
    assert enrollments_of(app_database, bob_withdrawn)[-1] == (
        ids["lincoln"],
        9,
        dt.date(2025, 9, 29),
        "reentry",
        None,
        None,
    )


def test_an_overlapping_enrollment_is_refused(signed_in, app_database, bob_withdrawn):
    app = signed_in("registrar", "students.py", {"student": str(bob_withdrawn)})
    before = counts(app_database)
    app.selectbox(key="enroll_grade").set_value(9)
    app.date_input(key="enroll_date").set_value(dt.date(2025, 9, 10))

    submit(app, "Enroll")

    enrollment_id = enrollments_of_ids(app_database, bob_withdrawn)[0]
    assert texts(app, "error") == [
        "the student is already enrolled from 2025-09-01 to 2025-09-19 "
        f"(enrollment {enrollment_id}); withdraw or transfer that enrollment first"
    ]
    assert counts(app_database) == before
    assert app.date_input(key="enroll_date").value == dt.date(2025, 9, 10)
