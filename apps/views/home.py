"""The first page after signing in: who you are and what you reach."""

import streamlit as st
from sqlalchemy import select

from apps import ui
from apps.navigation import PAGES
from operational.models import School
from operational.services.access import school_ids_in_scope

principal = ui.require_page(__file__)

st.title(ui.plain(f"Welcome, {principal.display_name}"))


def schools(session):
    ids = school_ids_in_scope(session, principal)
    return list(
        session.scalars(
            select(School.name).where(School.school_id.in_(ids)).order_by(School.name)
        )
    )


names = ui.read(principal, schools)
st.write(f"Your role: **{principal.role_name}**.")
if names:
    st.write(
        "Schools you work with: " + ", ".join(ui.escape_markdown(n) for n in names)
    )
st.subheader("Your pages")
for spec in PAGES:
    if principal.role in spec.roles and spec.file != "home.py":
        st.page_link(f"views/{spec.file}", label=spec.title, icon=spec.icon)
