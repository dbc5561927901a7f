"""Coursework: a section's content units and items, and what a student of
the section sees of them, with the helpers the other coursework services
share (points, percentages, roster spans, publishing).

Content belongs to a section rather than to a course: the section is the
class one teacher runs for one roster, so its units, due dates and category
weights are that teacher's to set, and the roster says who sees them.
Students see a unit, item or assignment only once it is published; an
assignment inside a draft unit stays hidden with its unit.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational import vocabulary as v
from operational.audit import audit, snapshot
from operational.errors import InvalidValue, NotFound, NotRostered
from operational.models import (
    Assignment,
    ContentItem,
    ContentUnit,
    Section,
)
from operational.services._writes import insert_validated, savepoint
from operational.services.enrollment import roster_spans, spans_overlap
from operational.services.records import get

log = logging.getLogger(__name__)

Span = tuple[dt.date, dt.date | None]
HUNDREDTH = Decimal("0.01")
HUNDRED = Decimal(100)


def as_points(value: Any, what: str) -> Decimal:
    """A non-negative number to the hundredth (half up), or a refusal."""
    try:
        number = Decimal(str(value))
    except ArithmeticError as error:
        raise InvalidValue(f"{value!r} is not a number of {what}") from error
    if not number.is_finite() or number < 0:
        raise InvalidValue(f"{what} must be a number of zero or more, not {value}")
    return number.quantize(HUNDREDTH, ROUND_HALF_UP)


def as_percent(value: Any, what: str) -> Decimal:
    percent = as_points(value, what)
    if percent > HUNDRED:
        raise InvalidValue(f"{what} is a percentage from 0 to 100, not {value}")
    return percent


def is_rostered(spans: list[Span], day: dt.date) -> bool:
    return any(spans_overlap((day, day), span) for span in spans)


def validate_unit(row: dict[str, Any], section_ids: set[int]) -> None:
    """Every rule a content unit must meet."""
    if row["section_id"] not in section_ids:
        raise NotFound(f"no section with key {row['section_id']}")
    require_text(row.get("title"), "a unit needs a title")
    require_position(row.get("position"))
    row.setdefault("summary", None)
    row.setdefault("is_published", False)


def validate_item(row: dict[str, Any], unit_ids: set[int]) -> None:
    """Every rule a content item must meet: text has its text, a link its
    web address."""
    if row["content_unit_id"] not in unit_ids:
        raise NotFound(f"no content unit with key {row['content_unit_id']}")
    kind = row.get("kind")
    if kind not in v.CONTENT_ITEM_KINDS:
        raise InvalidValue(
            f"{kind!r} is not a kind of content; use one of: "
            + ", ".join(v.CONTENT_ITEM_KINDS)
        )
    require_text(row.get("title"), "a content item needs a title")
    require_position(row.get("position"))
    for name in ("body", "url"):
        row.setdefault(name, None)
    row.setdefault("is_published", False)
    if kind == "text":
        require_text(row["body"], "a text item needs its text")
    if kind == "link" and not (row["url"] or "").startswith(("https://", "http://")):
        raise InvalidValue(
            f"a link needs a web address starting https://, not {row['url']!r}"
        )


def add_unit(
    session: Session,
    actor: str,
    *,
    section_id: int,
    title: str,
    position: int,
    summary: str | None = None,
    is_published: bool = False,
) -> ContentUnit:
    """Add a unit to a section's content, at `position` (1 comes first)."""
    row = {
        "section_id": section_id,
        "title": title,
        "position": position,
        "summary": summary,
        "is_published": is_published,
    }
    validate_unit(row, _existing(session, Section.section_id, [section_id]))

    unit = ContentUnit(**row)
    with savepoint(session):
        session.add(unit)
        audit(session, actor, "add_content_unit", unit, before=None)
    return unit


def add_item(
    session: Session,
    actor: str,
    *,
    content_unit_id: int,
    kind: str,
    title: str,
    position: int,
    body: str | None = None,
    url: str | None = None,
    is_published: bool = False,
) -> ContentItem:
    """Add a page of text (`body`) or a link (`url`) to a unit."""
    row = {
        "content_unit_id": content_unit_id,
        "kind": kind,
        "title": title,
        "position": position,
        "body": body,
        "url": url,
        "is_published": is_published,
    }
    units = _existing(session, ContentUnit.content_unit_id, [content_unit_id])
    validate_item(row, units)

    item = ContentItem(**row)
    with savepoint(session):
        session.add(item)
        audit(session, actor, "add_content_item", item, before=None)
    return item


def bulk_add_units(session: Session, rows: Iterable[dict[str, Any]], actor: str) -> int:
    """Validate and insert many units with `add_unit`'s rules."""
    rows = list(rows)
    sections = _existing(session, Section.section_id, {r["section_id"] for r in rows})
    return insert_validated(
        session,
        ContentUnit,
        rows,
        lambda row: validate_unit(row, sections),
        actor,
        "bulk_add_content_units",
    )


def bulk_add_items(session: Session, rows: Iterable[dict[str, Any]], actor: str) -> int:
    """Validate and insert many items with `add_item`'s rules."""
    rows = list(rows)
    units = _existing(
        session, ContentUnit.content_unit_id, {r["content_unit_id"] for r in rows}
    )
    return insert_validated(
        session,
        ContentItem,
        rows,
        lambda row: validate_item(row, units),
        actor,
        "bulk_add_content_items",
    )


def _existing(session: Session, key, wanted: Iterable[int]) -> set[int]:
    """Those of `wanted` that are keys of `key`'s table."""
    wanted = sorted(set(wanted))
    found: set[int] = set()
    for start in range(0, len(wanted), 5_000):
        found.update(
            session.scalars(select(key).where(key.in_(wanted[start : start + 5_000])))
        )
    return found


def publish_unit(
    session: Session, actor: str, content_unit_id: int, *, is_published: bool = True
) -> ContentUnit:
    """Publish a unit for the section's students, or take it back to draft."""
    return set_published(
        session, actor, get(session, ContentUnit, content_unit_id), is_published
    )


def publish_item(
    session: Session, actor: str, content_item_id: int, *, is_published: bool = True
) -> ContentItem:
    return set_published(
        session, actor, get(session, ContentItem, content_item_id), is_published
    )


def set_published(session: Session, actor: str, record, is_published: bool):
    if record.is_published == is_published:
        state = "published" if is_published else "a draft"
        raise InvalidValue(
            f"the {record.__tablename__.replace('_', ' ')} is already {state}"
        )
    before = snapshot(record)
    with savepoint(session):
        record.is_published = is_published
        action = "publish" if is_published else "unpublish"
        audit(session, actor, f"{action}_{record.__tablename__}", record, before)
    return record


def require_text(text: str | None, message: str) -> None:
    if text is None or not text.strip():
        raise InvalidValue(message)


def require_position(position: int) -> None:
    if not isinstance(position, int) or position < 1:
        raise InvalidValue(f"a position counts from 1, not {position!r}")


@dataclass(frozen=True)
class UnitView:
    unit: ContentUnit
    items: list[ContentItem]
    assignments: list[Assignment]


@dataclass(frozen=True)
class SectionContent:
    section_id: int
    units: list[UnitView]
    assignments_outside_units: list[Assignment]


def section_content(
    session: Session,
    section_id: int,
    *,
    student_id: int | None = None,
    on_date: dt.date | None = None,
) -> SectionContent:
    """A section's units in order with their items and assignments.

    The teacher's view (no `student_id`) shows drafts too. A student must be
    on the roster on `on_date` and sees only what is published.
    """
    section = get(session, Section, section_id)
    for_student = student_id is not None
    if for_student:
        day = on_date or dt.date.today()
        spans = roster_spans(session, [section_id])[(section_id, student_id)]
        if not is_rostered(spans, day):
            raise NotRostered(
                f"student {student_id} is not on the roster of section "
                f"{section.section_code} on {day}"
            )

    units = _in_order(
        session, ContentUnit, ContentUnit.section_id == section_id, for_student
    )
    unit_ids = [unit.content_unit_id for unit in units]
    items: dict[int, list[ContentItem]] = defaultdict(list)
    for item in _in_order(
        session, ContentItem, ContentItem.content_unit_id.in_(unit_ids), for_student
    ):
        items[item.content_unit_id].append(item)
    work: dict[int | None, list[Assignment]] = defaultdict(list)
    assignments = select(Assignment).where(Assignment.section_id == section_id)
    if for_student:
        assignments = assignments.where(Assignment.is_published.is_(True))
    for assignment in session.scalars(
        assignments.order_by(Assignment.due_date, Assignment.assignment_id)
    ):
        work[assignment.content_unit_id].append(assignment)

    return SectionContent(
        section_id=section_id,
        units=[
            UnitView(unit, items[unit.content_unit_id], work[unit.content_unit_id])
            for unit in units
        ],
        assignments_outside_units=work[None],
    )


def _in_order(session: Session, model, condition, published_only: bool) -> list[Any]:
    """Units or items by position; ties keep the order they were added in."""
    query = select(model).where(condition)
    if published_only:
        query = query.where(model.is_published.is_(True))
    key = next(iter(model.__table__.primary_key.columns))
    return list(session.scalars(query.order_by(model.position, key)))
