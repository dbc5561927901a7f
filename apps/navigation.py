"""Which pages each role sees. The pages check the role again themselves:
leaving a page out of the menu is a convenience, never the guard."""

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from operational.services.access import Principal

PAGES_DIR = Path(__file__).parent / "views"

EVERY_ROLE = (
    "administrator",
    "registrar",
    "teacher",
    "counselor",
    "finance_officer",
    "leadership",
)


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    roles: tuple[str, ...]


PAGES = (
    PageSpec("home.py", "Home", ":material/home:", EVERY_ROLE),
    PageSpec(
        "attendance.py",
        "Attendance",
        ":material/fact_check:",
        ("teacher", "registrar", "administrator"),
    ),
    PageSpec(
        "gradebook.py", "Gradebook", ":material/grading:", ("teacher", "administrator")
    ),
    PageSpec(
        "students.py",
        "Admissions and enrollment",
        ":material/person_add:",
        ("registrar", "administrator"),
    ),
    PageSpec(
        "finance.py",
        "Fees",
        ":material/payments:",
        ("finance_officer", "administrator"),
    ),
    PageSpec(
        "messages.py",
        "Messages to families",
        ":material/campaign:",
        ("teacher", "registrar", "counselor", "administrator"),
    ),
    PageSpec("caseload.py", "Caseload", ":material/diversity_3:", ("counselor",)),
    PageSpec(
        "overview.py",
        "School overview",
        ":material/monitoring:",
        ("leadership", "administrator"),
    ),
    PageSpec("approvals.py", "Approvals", ":material/approval:", EVERY_ROLE),
)


def page_roles(file: str) -> tuple[str, ...]:
    return next(spec.roles for spec in PAGES if spec.file == file)


def pages_for(principal: Principal | None) -> list[st.Page]:
    """The menu of a signed-in user, or only the sign-in page."""
    if principal is None:
        return [st.Page(PAGES_DIR / "sign_in.py", title="Sign in", default=True)]
    return [
        st.Page(
            PAGES_DIR / spec.file,
            title=spec.title,
            icon=spec.icon,
            default=spec.file == "home.py",
        )
        for spec in PAGES
        if principal.role in spec.roles
    ]
