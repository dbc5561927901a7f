"""Audit rows, recorded deletions and the bookkeeping stamps."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select, update

from operational.audit import audit_bulk
from operational.models import (
    AuditLog,
    CalendarDay,
    DeletedRecord,
    District,
    GradeScale,
    GradeScaleBand,
    School,
    SchoolYear,
)
from operational.services import records
from tests.support.school import ACTOR
from tests.support.writes import audit_mark, audit_since

LONG_AGO = dt.datetime(2020, 1, 1, 12, 0)


def district(session) -> District:
    return records.create(
        session, District, ACTOR, name="Riverside Unified", state_code="CA"
    )


def test_a_creation_leaves_one_row_with_the_values_after(session):
    mark = audit_mark(session)

    created = district(session)

    [row] = audit_since(session, mark)
    assert (row.actor, row.action, row.table_name) == (ACTOR, "create", "district")
    assert row.record_key == str(created.district_id)
    assert row.before_values is None
    assert row.after_values == {
        "district_id": created.district_id,
        "name": "Riverside Unified",
        "state_code": "CA",
    }


def test_an_update_leaves_one_row_with_the_values_before_and_after(session):
    created = district(session)
    mark = audit_mark(session)

    records.update(session, created, "test:clerk", state_code="NV")

    [row] = audit_since(session, mark)
    assert (row.actor, row.action) == ("test:clerk", "update")
    assert row.before_values == {
        "district_id": created.district_id,
        "name": "Riverside Unified",
        "state_code": "CA",
    }
    assert row.after_values["state_code"] == "NV"


def test_dates_and_decimals_are_kept_as_text(session):
    scale = records.create(session, GradeScale, ACTOR, name="Pass/fail")
    mark = audit_mark(session)

    band = records.create(
        session,
        GradeScaleBand,
        ACTOR,
        grade_scale_id=scale.grade_scale_id,
        letter="P",
        min_percent=Decimal("65.50"),
        grade_points=Decimal("1.00"),
        is_passing=True,
    )

    [row] = audit_since(session, mark)
    assert row.record_key == str(band.grade_scale_band_id)
    assert (row.after_values["min_percent"], row.after_values["is_passing"]) == (
        "65.50",
        True,
    )


def test_a_composite_key_is_written_with_slashes(session):
    """Calendar days have the key (school, date): `3/2025-10-01`."""
    scale = records.create(session, GradeScale, ACTOR, name="Letters")
    school = records.create(
        session,
        School,
        ACTOR,
        district_id=district(session).district_id,
        school_number="100",
        name="Lincoln High",
        level="high",
        low_grade=9,
        high_grade=12,
        grade_scale_id=scale.grade_scale_id,
    )
    year = records.create(
        session,
        SchoolYear,
        ACTOR,
        name="2025-2026",
        start_date=dt.date(2025, 8, 25),
        end_date=dt.date(2026, 6, 12),
    )
    mark = audit_mark(session)

    records.create(
        session,
        CalendarDay,
        ACTOR,
        school_id=school.school_id,
        calendar_date=dt.date(2025, 10, 1),
        school_year_id=year.school_year_id,
        is_instructional=True,
    )

    [row] = audit_since(session, mark)
    assert row.record_key == f"{school.school_id}/2025-10-01"
    assert row.after_values["calendar_date"] == "2025-10-01"


def test_an_orm_delete_leaves_a_deleted_record_with_the_key(session):
    created = district(session)
    key = created.district_id

    session.delete(created)
    session.flush()

    deleted = session.execute(
        select(DeletedRecord.table_name, DeletedRecord.record_key)
    ).all()
    assert deleted == [("district", {"district_id": key})]
    assert session.get(District, key) is None


def test_deleting_audit_rows_is_not_itself_recorded(session):
    district(session)
    for row in session.scalars(select(AuditLog)):
        session.delete(row)
    session.flush()
    assert session.scalar(select(func.count()).select_from(DeletedRecord)) == 0


def test_updated_at_moves_on_an_update_and_created_at_stays(session):
    created = district(session)
    # Back-date both stamps so that the new one is told apart for certain.
    session.execute(
        update(District)
        .where(District.district_id == created.district_id)
        .values(created_at=LONG_AGO, updated_at=LONG_AGO)
    )
    session.expire(created)

    records.update(session, created, ACTOR, name="Riverside Unified School District")

    stamps = session.execute(
        select(District.created_at, District.updated_at).where(
            District.district_id == created.district_id
        )
    ).one()
    assert stamps.created_at == LONG_AGO
    assert stamps.updated_at > LONG_AGO


def test_a_bulk_write_leaves_one_row_with_the_count(session):
    mark = audit_mark(session)

    audit_bulk(session, ACTOR, "bulk_create", "student", 250)

    [row] = audit_since(session, mark)
    assert (row.action, row.table_name, row.record_key) == (
        "bulk_create",
        "student",
        "250 rows",
    )
    assert (row.before_values, row.after_values) == (None, {"n_rows": 250})
