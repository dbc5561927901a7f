"""Course content: units and items, publishing, and what a student sees.

The classroom is section MATH-101-02 of the test school (tests/support/
coursework.py); its students are on the roster from Monday September 1 2025.
"""

import datetime as dt

import pytest

from operational.errors import InvalidValue, NotFound, NotRostered
from operational.models import ContentItem, ContentUnit
from operational.services import coursework
from tests.support.coursework import TEACHER, build_classroom
from tests.support.writes import audit_mark, audit_since, refused

SEP_8 = dt.date(2025, 9, 8)


@pytest.fixture
def classroom(school_session, school):
    return build_classroom(school_session, school)


def unit(session, classroom, title="Linear equations", position=1, **values):
    return coursework.add_unit(
        session,
        TEACHER,
        section_id=classroom.section.section_id,
        title=title,
        position=position,
        **values,
    )


def text_item(session, unit_, title="Reading", position=1, **values):
    return coursework.add_item(
        session,
        TEACHER,
        content_unit_id=unit_.content_unit_id,
        kind="text",
        title=title,
        position=position,
        body=values.pop("body", "Read pages 4 to 9."),
        **values,
    )


def titles(content):
    """(unit, [items], [assignments]) titles, as the view orders them."""
    return [
        (
            view.unit.title,
            [item.title for item in view.items],
            [work.title for work in view.assignments],
        )
        for view in content.units
    ]


def test_a_unit_and_its_items_are_written_as_drafts_with_audit_rows(
    school_session, classroom
):
    mark = audit_mark(school_session)

    written = unit(school_session, classroom, summary="Solving for x")
    page = text_item(school_session, written)
    link = coursework.add_item(
        school_session,
        TEACHER,
        content_unit_id=written.content_unit_id,
        kind="link",
        title="Khan Academy",
        position=2,
        url="https://www.khanacademy.org/math/algebra",
    )

    assert (written.title, written.summary, written.is_published) == (
        "Linear equations",
        "Solving for x",
        False,
    )
    assert (page.kind, page.body, page.url, page.is_published) == (
        "text",
        "Read pages 4 to 9.",
        None,
        False,
    )
    assert (link.kind, link.body) == ("link", None)
    assert [
        (row.action, row.table_name) for row in audit_since(school_session, mark)
    ] == [
        ("add_content_unit", "content_unit"),
        ("add_content_item", "content_item"),
        ("add_content_item", "content_item"),
    ]


def test_publishing_is_audited_with_the_value_before(school_session, classroom):
    written = unit(school_session, classroom)
    mark = audit_mark(school_session)

    coursework.publish_unit(school_session, TEACHER, written.content_unit_id)

    [row] = audit_since(school_session, mark)
    assert row.action == "publish_content_unit"
    assert (row.before_values["is_published"], row.after_values["is_published"]) == (
        False,
        True,
    )


def test_a_student_sees_only_published_units_items_and_assignments(
    school_session, classroom
):
    student = classroom.student(school_session, "2001")
    first = unit(school_session, classroom, "Unit 1", 1, is_published=True)
    draft = unit(school_session, classroom, "Unit 2 (draft)", 2)
    text_item(school_session, first, "Shown", 1, is_published=True)
    text_item(school_session, first, "Hidden item", 2)
    text_item(school_session, draft, "Item of a draft unit", 1, is_published=True)
    hw = classroom.homework
    classroom.assignment(
        school_session,
        hw,
        SEP_8,
        title="Worksheet 1",
        content_unit_id=first.content_unit_id,
    )
    classroom.assignment(
        school_session,
        hw,
        SEP_8,
        title="Not yet given",
        content_unit_id=first.content_unit_id,
        publish=False,
    )
    classroom.assignment(
        school_session,
        hw,
        SEP_8,
        title="In the draft unit",
        content_unit_id=draft.content_unit_id,
    )
    classroom.assignment(school_session, hw, SEP_8, title="Outside units")

    seen = coursework.section_content(
        school_session,
        classroom.section.section_id,
        student_id=student.student_id,
        on_date=SEP_8,
    )
    everything = coursework.section_content(
        school_session, classroom.section.section_id
    )

    assert titles(seen) == [("Unit 1", ["Shown"], ["Worksheet 1"])]
    assert [work.title for work in seen.assignments_outside_units] == ["Outside units"]
    assert titles(everything) == [
        ("Unit 1", ["Shown", "Hidden item"], ["Worksheet 1", "Not yet given"]),
        ("Unit 2 (draft)", ["Item of a draft unit"], ["In the draft unit"]),
    ]


def test_units_and_items_come_in_position_order(school_session, classroom):
    third = unit(school_session, classroom, "Third", 3)
    unit(school_session, classroom, "First", 1)
    unit(school_session, classroom, "Second", 2)
    text_item(school_session, third, "b", 2)
    text_item(school_session, third, "a", 1)

    content = coursework.section_content(school_session, classroom.section.section_id)

    assert [
        (view.unit.title, [i.title for i in view.items]) for view in content.units
    ] == [
        ("First", []),
        ("Second", []),
        ("Third", ["a", "b"]),
    ]


def test_a_student_off_the_roster_sees_nothing(school_session, classroom):
    outsider = classroom.school.enrolled(school_session, "2002")

    with pytest.raises(NotRostered, match="not on the roster of section MATH-101-02"):
        coursework.section_content(
            school_session,
            classroom.section.section_id,
            student_id=outsider.student_id,
            on_date=SEP_8,
        )


def test_a_student_who_joins_later_sees_nothing_before_joining(
    school_session, classroom
):
    late_joiner = classroom.student(
        school_session, "2003", entry_date=dt.date(2025, 9, 15)
    )

    with pytest.raises(NotRostered, match="on 2025-09-08"):
        coursework.section_content(
            school_session,
            classroom.section.section_id,
            student_id=late_joiner.student_id,
            on_date=SEP_8,
        )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": "  "}, "a unit needs a title"),
        ({"position": 0}, "a position counts from 1, not 0"),
    ],
)
def test_a_unit_without_title_or_position_is_refused(
    school_session, classroom, values, message
):
    fields = {"title": "Unit", "position": 1} | values
    with refused(school_session, InvalidValue, message, ContentUnit):
        unit(school_session, classroom, **fields)


def test_a_unit_of_an_unknown_section_is_refused(school_session, classroom):
    with refused(school_session, NotFound, "no section with key 999999", ContentUnit):
        coursework.add_unit(
            school_session, TEACHER, section_id=999999, title="Unit", position=1
        )


@pytest.mark.parametrize(
    ("values", "message", "error"),
    [
        ({"kind": "video"}, "'video' is not a kind of content", InvalidValue),
        ({"kind": "text", "body": None}, "a text item needs its text", InvalidValue),
        (
            {"kind": "link", "url": "ftp://example.org"},
            "a link needs a web address starting https://",
            InvalidValue,
        ),
        ({"kind": "link", "url": None}, "a link needs a web address", InvalidValue),
        ({"content_unit_id": 999999}, "no content unit with key 999999", NotFound),
    ],
)
def test_an_item_that_breaks_a_rule_is_refused(
    school_session, classroom, values, message, error
):
    written = unit(school_session, classroom)
    fields = {
        "content_unit_id": written.content_unit_id,
        "kind": "text",
        "title": "Item",
        "position": 1,
        "body": "Some text",
    } | values
    with refused(school_session, error, message, ContentItem):
        coursework.add_item(school_session, TEACHER, **fields)


def test_publishing_what_is_published_already_is_refused(school_session, classroom):
    written = unit(school_session, classroom, is_published=True)
    page = text_item(school_session, written)

    with refused(school_session, InvalidValue, "content unit is already published"):
        coursework.publish_unit(school_session, TEACHER, written.content_unit_id)
    with refused(school_session, InvalidValue, "content item is already a draft"):
        coursework.publish_item(
            school_session, TEACHER, page.content_item_id, is_published=False
        )


def test_bulk_units_and_items_are_checked_and_inserted(school_session, classroom):
    section_id = classroom.section.section_id
    mark = audit_mark(school_session)

    n_units = coursework.bulk_add_units(
        school_session,
        [
            {"section_id": section_id, "title": "Quarter 1", "position": 1},
            {"section_id": section_id, "title": "Quarter 2", "position": 2},
        ],
        TEACHER,
    )
    first = coursework.section_content(school_session, section_id).units[0].unit
    n_items = coursework.bulk_add_items(
        school_session,
        [
            {
                "content_unit_id": first.content_unit_id,
                "kind": "text",
                "title": "Overview",
                "position": 1,
                "body": "What we study this quarter.",
                "is_published": True,
            },
            {
                "content_unit_id": first.content_unit_id,
                "kind": "link",
                "title": "Textbook",
                "position": 2,
                "url": "https://example.org/algebra",
            },
        ],
        TEACHER,
    )

    assert (n_units, n_items) == (2, 2)
    assert titles(coursework.section_content(school_session, section_id)) == [
        ("Quarter 1", ["Overview", "Textbook"], []),
        ("Quarter 2", [], []),
    ]
    assert [row.action for row in audit_since(school_session, mark)] == [
        "bulk_add_content_units",
        "bulk_add_content_items",
    ]


def test_a_bulk_batch_with_one_bad_item_writes_nothing(school_session, classroom):
    written = unit(school_session, classroom)
    rows = [
        {
            "content_unit_id": written.content_unit_id,
            "kind": "text",
            "title": "Fine",
            "position": 1,
            "body": "Text",
        },
        {
            "content_unit_id": written.content_unit_id,
            "kind": "link",
            "title": "Broken",
            "position": 2,
            "url": "example.org",
        },
    ]
    with refused(
        school_session, InvalidValue, "a link needs a web address", ContentItem
    ):
        coursework.bulk_add_items(school_session, rows, TEACHER)
