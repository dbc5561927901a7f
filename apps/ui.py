"""What every page of the staff app shares: the guard at its top, the
sidebar with sign-out, and saving through a service with its refusal shown.

User text reaches the screen only through Streamlit's own elements, which
escape it, or through `escape_markdown` where it sits inside markdown; no
page builds HTML from user text.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import streamlit as st
from sqlalchemy.orm import Session

from apps import session as app_session
from apps.navigation import page_roles
from operational.db import session_scope
from operational.errors import AccessDenied, QuadError
from operational.services.access import Principal, deny

log = logging.getLogger(__name__)

T = TypeVar("T")

_FLASH = "quad_flash"
_MARKDOWN_SPECIAL = "\\`*_{}[]<>()#+-.!|$~"


def plain(text: str) -> str:
    """A message or label that may hold user text, made safe for the
    markdown alerts and captions render: no link, image or autolink."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("<", "\\<")


def escape_markdown(text: str) -> str:
    """Text shown literally inside markdown: no links, no emphasis, no HTML."""
    return "".join(f"\\{char}" if char in _MARKDOWN_SPECIAL else char for char in text)


def require_page(page_file: str) -> Principal:
    """The guard at the top of every page: signed in, with a role the page
    allows. Anything else stops the page before it runs a query."""
    principal = st.session_state.get(app_session.PRINCIPAL)
    if principal is None:
        st.warning("Sign in to use Quad.")
        st.stop()
    _sidebar(principal)
    show_flash()
    name = Path(page_file).name
    if principal.role not in page_roles(name):
        try:
            deny(principal, f"the page {name}")
        except AccessDenied as error:
            st.error(plain(error.message))
        st.stop()
    return principal


def _sidebar(principal: Principal) -> None:
    with st.sidebar:
        st.caption(
            plain(f"Signed in as {principal.display_name} ({principal.role_name})")
        )
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            app_session.sign_out()
            st.rerun()


@contextmanager
def database() -> Iterator[Session]:
    """A unit of work on the operational database."""
    with session_scope(app_session.engine()) as session:
        yield session


def read(principal: Principal, action: Callable[[Session], T]) -> T:
    """Run a read; an access refusal or a missing record stops the page."""
    try:
        with database() as session:
            return action(session)
    except QuadError as error:
        st.error(plain(error.message))
        st.stop()


def save(action: Callable[[Session], T], done: str | Callable[[T], str]) -> None:
    """Run one write in its own transaction, then show the page again with
    what was saved; on a refusal, show the service's message instead.

    A refusal rolls the transaction back, so nothing is written, and the
    form's widgets keep what the user typed because nothing clears them.
    """
    try:
        with database() as session:
            result = action(session)
    except QuadError as error:
        log.info("refused: %s", error.message)
        st.error(plain(error.message), icon=":material/block:")
        return
    st.session_state[_FLASH] = done(result) if callable(done) else done
    st.rerun()


def show_flash() -> None:
    """The confirmation of the save that led to this run, shown once."""
    message = st.session_state.pop(_FLASH, None)
    if message:
        st.success(plain(message), icon=":material/check:")


def choose(
    principal: Principal,
    label: str,
    choices: dict[int, str],
    *,
    param: str,
    key: str,
    empty: str,
    check: Callable[[Session, int], object],
) -> int:
    """A record picked from those in scope, and kept in the page's address.

    An id typed into the address that is not among the choices goes through
    `check`, whose refusal (out of scope, unknown) stops the page.
    """
    wanted = query_int(param)
    if wanted is not None and wanted not in choices:
        read(principal, lambda session: check(session, wanted))
    if not choices:
        st.info(plain(empty))
        st.stop()
    ids = list(choices)
    picked = st.selectbox(
        label,
        ids,
        index=ids.index(wanted) if wanted in ids else 0,
        format_func=choices.get,
        key=key,
    )
    st.query_params[param] = str(picked)
    return picked


def query_date(name: str) -> dt.date | None:
    """A date from the page's URL (`?day=2025-09-15`); a bad value counts as none."""
    value = st.query_params.get(name)
    try:
        return dt.date.fromisoformat(value) if value is not None else None
    except ValueError:
        return None


def query_int(name: str) -> int | None:
    """An id from the page's URL (`?section=12`); a bad value counts as none."""
    value = st.query_params.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
