"""The staff app as one ASGI application: Streamlit plus two cookie routes.

`quad serve` runs `app` with uvicorn. The routes exist because a page
script cannot set an HttpOnly cookie: after a sign-in the page posts the
signed session value here, and the answer stores it in the browser.
"""

import datetime as dt
import logging
from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from apps.session import (
    COOKIE_NAME,
    SESSION_ROUTE,
    SIGN_OUT_ROUTE,
    engine,
    token_from_cookie,
)
from operational.db import session_scope
from operational.models.base import utc_now
from operational.services import accounts

log = logging.getLogger(__name__)

ENTRY_FILE = Path(__file__).parent / "main.py"


def from_the_app_itself(request: Request) -> bool:
    """Whether a browser sent the request from one of the app's own pages.

    A JSON body cannot come from another site's plain form, and browsers say
    where a request comes from; together they stop a page elsewhere from
    signing a browser into someone else's account or out of its own.
    """
    if request.headers.get("content-type", "").split(";")[0] != "application/json":
        return False
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


async def store_session_cookie(request: Request) -> Response:
    """Set the cookie for a signed value whose session is still running."""
    if not from_the_app_itself(request):
        return Response("refused: not from the app's own page", status_code=403)
    try:
        body = await request.json()
        value = body["cookie"]
    except (ValueError, KeyError, TypeError):
        return Response("expected a JSON body with a cookie", status_code=400)
    token = token_from_cookie(value) if isinstance(value, str) else None
    expires_at = _running_session_expiry(token) if token else None
    if expires_at is None:
        return Response("no running session for that cookie", status_code=403)

    response = Response(status_code=204)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=max(int((expires_at - utc_now()).total_seconds()), 0),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


async def clear_session_cookie(request: Request) -> Response:
    if not from_the_app_itself(request):
        return Response("refused: not from the app's own page", status_code=403)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


def _running_session_expiry(token: str) -> dt.datetime | None:
    with session_scope(engine()) as session:
        user_session = accounts.running_session(session, token)
        return user_session.expires_at if user_session else None


routes = [
    Route(SESSION_ROUTE, store_session_cookie, methods=["POST"]),
    Route(SIGN_OUT_ROUTE, clear_session_cookie, methods=["POST"]),
]

app = st.App(ENTRY_FILE, routes=routes)
