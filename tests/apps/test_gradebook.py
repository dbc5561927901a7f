"""The gradebook page: scores entered for a whole sheet in one save, running
grades, period marks posted, and a late change asked for and applied.

MATH-101-01 (Grace Hopper's, Ada Lovelace S1 and Bob Babbage S2) gets
Homework 40% and Tests 60%, and this work:

  HW1  Homework 10 points, due Wed Sep 10 (in P1), no work after Fri Sep 12
  T1   Tests    50 points, due Wed Sep 17 (in P2)
  a draft homework, which the page does not list

P1 (Sep 1-12) is closed, P2 (Sep 15-26) open. Grades are read as of
Monday September 29 2025, when all of it is past due.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from apps import session as app_session
from operational.models import ApprovalRequest, AuditLog, Mark, Submission
from operational.services import access, approvals, assignments, submissions
from tests.support.app_driver import TIMEOUT, new_app, texts

PAGE = "gradebook.py"
AS_OF = dt.date(2025, 9, 29)
SCRIPT = "<script>alert(1)</script>"
INJECTION = "'; drop table student; --"
ACTOR = "test:teacher"


@pytest.fixture
def work(app_database) -> dict[str, int]:
    """The categories and assignments of the module docstring, by name."""
    ids = app_database.ids
    section_id = ids["section"]
    with app_database.session() as session:
        homework, tests = (
            assignments.add_category(
                session,
                ACTOR,
                section_id=section_id,
                name=name,
                weight_percent=weight,
            )
            for name, weight in (("Homework", 40), ("Tests", 60))
        )

        def add(category, title, points, due, publish=True, **values):
            assignment = assignments.add_assignment(
                session,
                ACTOR,
                section_id=section_id,
                grading_category_id=category.grading_category_id,
                title=title,
                points_possible=points,
                due_date=due,
                **values,
            )
            if publish:
                assignments.publish_assignment(session, ACTOR, assignment.assignment_id)
            return assignment.assignment_id

        return {
            "HW1": add(
                homework,
                "HW1",
                10,
                dt.date(2025, 9, 10),
                cutoff_date=dt.date(2025, 9, 12),
            ),
            "T1": add(tests, "T1", 50, dt.date(2025, 9, 17)),
            "draft": add(homework, "Draft HW", 10, dt.date(2025, 9, 19), False),
        }


def page_app() -> AppTest:
    """The page on its own, without the menu of the entry file."""
    page = Path(__file__).parents[2] / "apps" / "views" / PAGE
    return AppTest.from_file(str(page), default_timeout=TIMEOUT)


def open_gradebook(signed_in, username="teacher", query=None) -> AppTest:
    app = signed_in(username, PAGE, query)
    app.date_input(key="gradebook_as_of").set_value(AS_OF).run()
    assert not app.exception, app.exception
    return app


def labelled(widgets, label):
    [widget] = [widget for widget in widgets if widget.label == label]
    return widget


def score_with_services(app_database, work, scores):
    """(student number, assignment, points or None to hand in only, day)."""
    with app_database.session() as session:
        for number, name, points, day in scores:
            ids = {
                "assignment_id": work[name],
                "student_id": app_database.ids[number],
            }
            if points is None:
                submissions.submit(session, "student", **ids, submitted_date=day)
            else:
                submissions.record_score(
                    session, ACTOR, **ids, points_earned=points, submitted_date=day
                )


def submissions_of(app_database, assignment_id):
    with app_database.session() as session:
        return {
            row.student_id: (
                row.status,
                row.submitted_date,
                row.points_earned,
                row.feedback,
            )
            for row in session.scalars(
                select(Submission).where(Submission.assignment_id == assignment_id)
            )
        }


def counts(app_database) -> dict[str, int]:
    with app_database.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Submission, Mark, ApprovalRequest, AuditLog)
        }


def markup(app: AppTest) -> list[str]:
    """Everything the page rendered as markdown or HTML."""
    return [element.value for element in (*app.markdown, *app.caption)] + [
        element.proto.body for element in app.get("html")
    ]


# Sign-in and role


def test_the_page_is_not_reached_without_signing_in(app_database, monkeypatch):
    queries = []
    monkeypatch.setattr(
        access, "sections_in_scope", lambda *args: queries.append(args) or []
    )
    app = new_app()
    app.run()

    # Before signing in, the menu holds only the sign-in page.
    with pytest.raises(ValueError):
        app.switch_page(f"views/{PAGE}")
    direct = page_app().run()

    assert texts(direct, "warning") == ["Sign in to use Quad."]
    assert "Gradebook" not in texts(direct, "title")
    assert queries == []


def test_a_registrar_may_not_use_the_gradebook(signed_in):
    app = signed_in("registrar")

    # Not in a registrar's menu; and the page itself refuses them too.
    with pytest.raises(ValueError):
        app.switch_page(f"views/{PAGE}")
    direct = page_app()
    direct.session_state[app_session.PRINCIPAL] = app.session_state[
        app_session.PRINCIPAL
    ]
    direct.run()

    assert texts(direct, "error") == [
        "your role (registrar) does not reach the page gradebook.py"
    ]
    assert "Gradebook" not in texts(direct, "title")


# Scope


def test_a_teacher_sees_only_their_own_sections(signed_in, app_database):
    teacher = signed_in("teacher", PAGE)
    admin = signed_in("admin", PAGE)

    assert teacher.selectbox(key="gradebook_section").options == [
        "MATH-101-01 Algebra I"
    ]
    assert admin.selectbox(key="gradebook_section").options == [
        "MATH-101-01 Algebra I",
        "MATH-101-02 Algebra I",
    ]


def test_another_teachers_section_is_refused_even_through_the_address(
    signed_in, app_database, work
):
    app = signed_in(
        "teacher2", PAGE, query={"section": str(app_database.ids["section"])}
    )

    assert texts(app, "error") == [
        "your role (teacher) does not reach section MATH-101-01"
    ]
    assert not app.dataframe
    assert not [button for button in app.button if button.label == "Save scores"]


def test_changing_the_address_to_another_section_is_refused(
    signed_in, app_database, work
):
    app = open_gradebook(signed_in)

    app.query_params["section"] = str(app_database.ids["other_section"])
    app.run()

    assert texts(app, "error") == [
        "your role (teacher) does not reach section MATH-101-02"
    ]
    assert not app.text_input


# Entering scores


def test_a_whole_sheet_is_scored_in_one_save_and_feedback_kept_verbatim(
    signed_in, app_database, work
):
    ids = app_database.ids
    app = open_gradebook(signed_in)
    assert app.selectbox(key=f"gradebook_assignment_{ids['section']}").options == [
        "HW1 (due 2025-09-10)",
        "T1 (due 2025-09-17)",
    ]

    labelled(app.text_input, "Points of Lovelace, Ada").input("8")
    labelled(app.text_input, "Feedback to Lovelace, Ada").input(SCRIPT)
    labelled(app.text_input, "Points of Babbage, Bob").input("9.5")
    labelled(app.text_input, "Feedback to Babbage, Bob").input(INJECTION)
    labelled(app.date_input, "Day Babbage, Bob handed in paper work").set_value(
        dt.date(2025, 9, 10)
    )
    app.button(key=f"scores_{work['HW1']}_save").click().run()

    assert texts(app, "success") == ["HW1: 2 scored, 0 excused, 0 no longer excused."]
    # Ada's work came with no day, so it was never handed in: scored as
    # missing. Bob's paper came on the due date: on time.
    assert submissions_of(app_database, work["HW1"]) == {
        ids["S1"]: ("missing", None, Decimal("8.00"), SCRIPT),
        ids["S2"]: ("on_time", dt.date(2025, 9, 10), Decimal("9.50"), INJECTION),
    }
    # Shown again as saved, as widget values and plain text, never as markup.
    assert labelled(app.text_input, "Feedback to Lovelace, Ada").value == SCRIPT
    assert labelled(app.text_input, "Feedback to Babbage, Bob").value == INJECTION
    assert labelled(app.text_input, "Points of Babbage, Bob").value == "9.50"
    assert {"Never handed in", "Handed in 2025-09-10, on time"} <= set(
        texts(app, "text")
    )
    assert not [text for text in markup(app) if "<script>" in text]


def test_a_score_above_the_maximum_refuses_the_whole_sheet(
    signed_in, app_database, work
):
    before = counts(app_database)
    app = open_gradebook(signed_in)

    labelled(app.text_input, "Points of Lovelace, Ada").input("12")
    labelled(app.text_input, "Points of Babbage, Bob").input("9")
    app.button(key=f"scores_{work['HW1']}_save").click().run()

    assert texts(app, "error") == [
        "Lovelace, Ada: 12.00 points is more than the 10.00 HW1 is worth, and it "
        "allows no extra credit"
    ]
    # Bob's line was fine, but the sheet is saved all or none.
    assert counts(app_database) == before
    assert labelled(app.text_input, "Points of Lovelace, Ada").value == "12"
    assert labelled(app.text_input, "Points of Babbage, Bob").value == "9"


def test_paper_work_after_the_cut_off_is_refused(signed_in, app_database, work):
    before = counts(app_database)
    app = open_gradebook(signed_in)

    labelled(app.text_input, "Points of Babbage, Bob").input("9")
    day = labelled(app.date_input, "Day Babbage, Bob handed in paper work")
    day.set_value(dt.date(2025, 9, 13))
    app.button(key=f"scores_{work['HW1']}_save").click().run()

    assert texts(app, "error") == [
        "Babbage, Bob: HW1 stopped accepting work after 2025-09-12; it was "
        "handed in on 2025-09-13"
    ]
    assert counts(app_database) == before
    assert labelled(app.text_input, "Points of Babbage, Bob").value == "9"
    assert labelled(
        app.date_input, "Day Babbage, Bob handed in paper work"
    ).value == dt.date(2025, 9, 13)


def test_a_score_that_is_not_a_number_is_refused(signed_in, app_database, work):
    before = counts(app_database)
    app = open_gradebook(signed_in)

    labelled(app.text_input, "Points of Lovelace, Ada").input("eight")
    app.button(key=f"scores_{work['HW1']}_save").click().run()

    assert texts(app, "error") == [
        "Lovelace, Ada: 'eight' is not a number of points earned"
    ]
    assert counts(app_database) == before
    assert labelled(app.text_input, "Points of Lovelace, Ada").value == "eight"


def test_work_is_excused_and_a_score_for_excused_work_refused(
    signed_in, app_database, work
):
    ids = app_database.ids
    app = open_gradebook(signed_in)

    labelled(app.checkbox, "Excuse Babbage, Bob").check()
    app.button(key=f"scores_{work['HW1']}_save").click().run()

    assert texts(app, "success") == ["HW1: 0 scored, 1 excused, 0 no longer excused."]
    assert submissions_of(app_database, work["HW1"]) == {
        ids["S2"]: ("excused", None, None, None)
    }
    assert labelled(app.checkbox, "Excuse Babbage, Bob").value is True

    before = counts(app_database)
    labelled(app.text_input, "Points of Babbage, Bob").input("7")
    app.button(key=f"scores_{work['HW1']}_save").click().run()

    assert texts(app, "error") == [
        f"Babbage, Bob: student {ids['S2']} is excused from HW1; cancel the "
        "excuse first"
    ]
    assert counts(app_database) == before
    assert labelled(app.text_input, "Points of Babbage, Bob").value == "7"


def test_clearing_the_excuse_makes_the_work_owed_again(signed_in, app_database, work):
    ids = app_database.ids
    with app_database.session() as session:
        submissions.excuse(
            session, ACTOR, assignment_id=work["HW1"], student_id=ids["S2"]
        )
    app = open_gradebook(signed_in)

    labelled(app.checkbox, "Excuse Babbage, Bob").uncheck()
    app.button(key=f"scores_{work['HW1']}_save").click().run()

    assert texts(app, "success") == ["HW1: 0 scored, 0 excused, 1 no longer excused."]
    # Nothing was ever handed in, so nothing is left on record.
    assert submissions_of(app_database, work["HW1"]) == {}


# Running grades


def test_running_grades_are_the_gradebooks_numbers(signed_in, app_database, work):
    score_with_services(
        app_database,
        work,
        [
            ("S1", "HW1", 8, dt.date(2025, 9, 10)),
            ("S1", "T1", 45, dt.date(2025, 9, 17)),
            ("S2", "HW1", 9, dt.date(2025, 9, 11)),
            ("S2", "T1", None, dt.date(2025, 9, 17)),
        ],
    )
    app = open_gradebook(signed_in)

    [grades] = [
        frame.value for frame in app.dataframe if "Grade %" in frame.value.columns
    ]

    # Ada: Homework 8/10 = 80%, Tests 45/50 = 90%; 0.4 x 80 + 0.6 x 90 = 86.
    # Bob: Homework 9/10 = 90%; T1 waits for a score, so Tests count nothing
    # and Homework carries the whole grade: 90.
    # An empty cell (nothing counted) reads as None.
    records = grades.astype(object).where(grades.notna(), None).to_dict("records")
    assert records == [
        {
            "Student": "Babbage, Bob",
            "Number": "S2",
            "Grade %": 90.0,
            "Homework %": 90.0,
            "Tests %": None,
            "Handed in": 2,
            "Overdue": 0,
            "Needs a score": 1,
            "Excused": 0,
            "Not yet due": 0,
        },
        {
            "Student": "Lovelace, Ada",
            "Number": "S1",
            "Grade %": 86.0,
            "Homework %": 80.0,
            "Tests %": 90.0,
            "Handed in": 2,
            "Overdue": 0,
            "Needs a score": 0,
            "Excused": 0,
            "Not yet due": 0,
        },
    ]


def test_without_categories_the_grades_say_what_to_fix(signed_in, app_database):
    app = open_gradebook(signed_in)

    assert (
        "the gradebook categories' weights add up to 0%, not 100% (no categories "
        "yet); change the weights so they add up to 100"
    ) in texts(app, "warning")
    assert not app.exception


# Period marks


def test_proposed_marks_of_an_open_period_are_posted(signed_in, app_database, work):
    ids = app_database.ids
    score_with_services(
        app_database,
        work,
        [
            ("S1", "T1", 45, dt.date(2025, 9, 17)),
            ("S2", "T1", 40, dt.date(2025, 9, 18)),
        ],
    )
    app = open_gradebook(signed_in)
    key = f"post_marks_{ids['section']}_{ids['open_period']}"
    select_period(app, ids, "open_period")

    app.text_input(key=f"{key}_comment").input(SCRIPT)
    app.button(key=f"{key}_post").click().run()

    # P2 holds T1 only: Ada 45/50 = 90% (A), Bob 40/50 = 80% (B).
    assert texts(app, "success") == ["2 marks posted for P2."]
    with app_database.session() as session:
        marks = {
            mark.student_id: (mark.grading_period_id, mark.percent, mark.letter)
            for mark in session.scalars(select(Mark))
        }
        comments = set(session.scalars(select(Mark.comment)))
    assert marks == {
        ids["S1"]: (ids["open_period"], Decimal("90.00"), "A"),
        ids["S2"]: (ids["open_period"], Decimal("80.00"), "B"),
    }
    assert comments == {SCRIPT}
    [proposals] = [
        frame.value for frame in app.dataframe if "Posted %" in frame.value.columns
    ]
    assert proposals["Posted %"].tolist() == [80.0, 90.0]


def select_period(app: AppTest, ids, which: str) -> None:
    period = app.selectbox(key=f"gradebook_period_{ids['section']}")
    period.set_value(ids[which]).run()
    assert not app.exception, app.exception


def test_marks_wait_while_work_needs_a_score(signed_in, app_database, work):
    ids = app_database.ids
    score_with_services(
        app_database,
        work,
        [
            ("S1", "T1", 45, dt.date(2025, 9, 17)),
            ("S2", "T1", None, dt.date(2025, 9, 17)),
        ],
    )
    before = counts(app_database)
    app = open_gradebook(signed_in)
    key = f"post_marks_{ids['section']}_{ids['open_period']}"
    select_period(app, ids, "open_period")

    app.text_input(key=f"{key}_comment").input("Well done")
    app.button(key=f"{key}_post").click().run()

    assert texts(app, "error") == [
        "submissions still waiting for a score: 1, by 1 students; score them "
        "before posting the marks"
    ]
    assert counts(app_database) == before
    assert app.text_input(key=f"{key}_comment").value == "Well done"


@pytest.fixture
def first_period_scores(app_database, work):
    """HW1, the only work of P1: Ada 8 (80%, B), Bob 9 (90%, A)."""
    score_with_services(
        app_database,
        work,
        [
            ("S1", "HW1", 8, dt.date(2025, 9, 10)),
            ("S2", "HW1", 9, dt.date(2025, 9, 10)),
        ],
    )


def test_a_closed_period_refuses_the_marks_and_offers_a_request(
    signed_in, app_database, first_period_scores
):
    ids = app_database.ids
    before = counts(app_database)
    app = open_gradebook(signed_in)
    select_period(app, ids, "closed_period")

    app.button(key=f"post_marks_{ids['section']}_{ids['closed_period']}_post").click()
    app.run()

    assert texts(app, "error") == [
        "the grading period P1 is closed; a change to its marks needs an "
        "approved grade-change request"
    ]
    assert counts(app_database) == before
    key = f"grade_change_{ids['section']}_{ids['closed_period']}"
    assert app.selectbox(key=f"{key}_student").options == [
        "Babbage, Bob (S2)",
        "Lovelace, Ada (S1)",
    ]


def ask_for_change(app, ids, student: str, percent: str, reason: str) -> str:
    key = f"grade_change_{ids['section']}_{ids['closed_period']}"
    app.selectbox(key=f"{key}_student").set_value(ids[student])
    app.text_input(key=f"{key}_percent").input(percent)
    app.text_area(key=f"{key}_reason").input(reason)
    app.button(key=f"{key}_ask").click().run()
    return key


def test_a_late_change_waits_for_approval_and_is_then_posted(
    signed_in, app_database, first_period_scores
):
    ids = app_database.ids
    app = open_gradebook(signed_in)
    select_period(app, ids, "closed_period")

    ask_for_change(app, ids, "S1", "85", SCRIPT)

    with app_database.session() as session:
        [request] = session.scalars(select(ApprovalRequest)).all()
        asked = (
            request.kind,
            request.subject_id,
            request.status,
            request.reason,
            request.payload,
            request.requested_by_staff_id,
        )
        request_id = request.approval_request_id
    assert texts(app, "success") == [
        f"Grade-change request {request_id} opened: 85.00% for Lovelace, Ada (S1) "
        "in P1. The change waits for an approver's decision."
    ]
    assert asked == (
        "grade_change",
        ids["S1"],
        "pending",
        SCRIPT,
        {
            "section_id": ids["section"],
            "grading_period_id": ids["closed_period"],
            "percent": "85.00",
            "previous_percent": None,
        },
        ids["staff_teacher"],
    )
    [listed] = [
        frame.value for frame in app.dataframe if "Reason" in frame.value.columns
    ]
    assert listed[["Status", "Reason"]].values.tolist() == [["pending", SCRIPT]]
    assert not [text for text in markup(app) if "<script>" in text]
    assert not [b for b in app.button if b.label.startswith("Post the approved")]

    # The principal approves it in the approvals inbox.
    with app_database.session() as session:
        approvals.approve(
            session, "leader", request_id, decided_by_staff_id=ids["staff_leader"]
        )
    app.run()
    app.button(key=f"apply_request_{request_id}").click().run()

    assert texts(app, "success") == ["Mark of P1 changed to 85.00% (B)."]
    with app_database.session() as session:
        mark = session.scalars(select(Mark)).one()
        posted = (mark.student_id, mark.grading_period_id, mark.percent, mark.letter)
        status = session.get(ApprovalRequest, request_id).status
    assert posted == (ids["S1"], ids["closed_period"], Decimal("85.00"), "B")
    assert status == "applied"


@pytest.mark.parametrize(
    ("percent", "reason", "message"),
    [
        ("85", "  ", "a reason for the decider is required"),
        ("120", "Marked again", "a mark is a percentage from 0 to 100, not 120"),
        ("high", "Marked again", "'high' is not a percentage"),
    ],
)
def test_a_grade_change_request_is_refused_without_a_reason_or_a_mark(
    signed_in, app_database, first_period_scores, percent, reason, message
):
    ids = app_database.ids
    before = counts(app_database)
    app = open_gradebook(signed_in)
    select_period(app, ids, "closed_period")

    key = ask_for_change(app, ids, "S2", percent, reason)

    assert texts(app, "error") == [message]
    assert counts(app_database) == before
    assert app.text_input(key=f"{key}_percent").value == percent
    assert app.text_area(key=f"{key}_reason").value == reason


def test_an_account_without_a_staff_member_cannot_ask_for_a_change(
    signed_in, app_database, first_period_scores
):
    ids = app_database.ids
    before = counts(app_database)
    app = open_gradebook(signed_in, "admin")
    select_period(app, ids, "closed_period")

    ask_for_change(app, ids, "S1", "85", "Marked again")

    assert texts(app, "error") == [
        "your role (administrator) does not reach grade-change requests, which "
        "a staff member makes"
    ]
    assert counts(app_database) == before
