"""The signed-in user of a browser session, and how a sign-in survives a reload.

A sign-in starts a session on the server (`operational.services.accounts`)
and hands its token to the browser in a signed, expiring cookie. The cookie
is set by the app's own route (`apps/server.py`) as HttpOnly, so page
scripts cannot read it, and it never appears in a URL. On a reload or an
opened link, the new browser session finds the cookie, checks its signature
and age, and asks the database whether the session is still running: a
signed-out or expired session is refused even with a valid signature.
"""

import json
import logging
import os
import secrets
from functools import cache

import streamlit as st
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine

from operational.db import make_engine, session_scope
from operational.errors import AccountLocked, SignInRefused
from operational.services import accounts
from operational.services.access import Principal, principal_for
from operational.settings import get_settings

log = logging.getLogger(__name__)

COOKIE_NAME = "quad_session"
SESSION_ROUTE = "/_quad/session"
SIGN_OUT_ROUTE = "/_quad/sign-out"
_SALT = "quad-session-cookie"

PRINCIPAL = "quad_principal"
TOKEN = "quad_token"
COOKIE_TO_SET = "quad_cookie_to_set"
COOKIE_TO_CLEAR = "quad_cookie_to_clear"
PROVIDER = "quad_signed_in_by_provider"


@cache
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def engine() -> Engine:
    """One engine a process for the configured operational database."""
    return _engine_for(get_settings().database_url)


def secret_key() -> str:
    """The key that signs cookies: the setting, or a random one kept on disk."""
    settings = get_settings()
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = settings.app_secret_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process started at the same moment and wrote it
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt=_SALT)


def sign_cookie(token: str) -> str:
    return _serializer().dumps(token)


def token_from_cookie(value: str | None) -> str | None:
    """The session token a cookie carries, if its signature and age hold."""
    if not value:
        return None
    max_age = int(get_settings().session_hours * 3600)
    try:
        return _serializer().loads(value, max_age=max_age)
    except BadSignature:
        log.info("ignored a session cookie with a bad or expired signature")
        return None


def browser_cookie() -> str | None:
    """The session cookie the browser sent when this session connected."""
    return st.context.cookies.get(COOKIE_NAME)


def current_principal() -> Principal | None:
    """The signed-in user, checked against the database on every run."""
    token = st.session_state.get(TOKEN)
    if token is None:
        token = token_from_cookie(browser_cookie())
        if token is None and _provider_signed_in():
            token = _provider_session()
        if token is None:
            return None

    with session_scope(engine()) as session:
        account = accounts.resume(session, token)
        principal = principal_for(session, account) if account else None
    if principal is None:
        st.session_state.pop(TOKEN, None)
        st.session_state.pop(PRINCIPAL, None)
        if st.session_state.pop(PROVIDER, False):
            # The Quad session ran out: the provider's sign-in ends with it,
            # or the next run would quietly start a new one.
            st.logout()
        return None
    st.session_state[TOKEN] = token
    st.session_state[PRINCIPAL] = principal
    return principal


def sign_in(username: str, password: str) -> str | None:
    """Sign in; None on success, else the refusal to show the user."""
    refusal = None
    with session_scope(engine()) as session:
        try:
            started = accounts.sign_in(session, username, password)
        except (SignInRefused, AccountLocked) as error:
            # The block ends normally, so the failure count is committed.
            refusal = error.message
    if refusal is not None:
        return refusal
    _remember(started.token)
    return None


def provider_configured() -> bool:
    """Whether `.streamlit/secrets.toml` names an OpenID Connect provider."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def _provider_signed_in() -> bool:
    """Whether Streamlit's OpenID Connect sign-in vouches for this browser."""
    try:
        return bool(st.user.is_logged_in)
    except (AttributeError, KeyError, st.errors.StreamlitAPIException):
        return False


def _provider_session() -> str | None:
    """A Quad session for the provider's user, found by their email; only an
    address the provider says it verified is trusted."""
    email = st.user.get("email")
    if st.user.get("email_verified") is False:
        st.session_state["quad_provider_refusal"] = (
            f"the identity provider has not verified the address {email}"
        )
        return None
    with session_scope(engine()) as session:
        try:
            started = accounts.sign_in_by_email(session, email)
        except SignInRefused as error:
            st.session_state["quad_provider_refusal"] = error.message
            return None
    _remember(started.token)
    st.session_state[PROVIDER] = True
    return started.token


def _remember(token: str) -> None:
    st.session_state[TOKEN] = token
    st.session_state[COOKIE_TO_SET] = sign_cookie(token)


def sign_out() -> None:
    """End the session on the server, then drop the browser's cookie."""
    token = st.session_state.get(TOKEN)
    with session_scope(engine()) as session:
        accounts.sign_out(session, token)
    # Nothing the user typed or chose is left for whoever signs in next.
    st.session_state.clear()
    st.query_params.clear()
    st.session_state[COOKIE_TO_CLEAR] = True
    if _provider_signed_in():
        st.logout()


def sync_cookie() -> None:
    """Have the browser store or drop the cookie through the app's route.

    The signed value travels in a POST body to the same origin; the route
    answers with Set-Cookie, so the cookie is HttpOnly and SameSite=Strict.
    """
    value = st.session_state.pop(COOKIE_TO_SET, None)
    if value is not None:
        body = json.dumps({"cookie": value})
        st.html(
            f"<script>fetch({json.dumps(SESSION_ROUTE)}, {{method: 'POST', "
            "credentials: 'same-origin', headers: {'Content-Type': "
            f"'application/json'}}, body: {json.dumps(body)}}});</script>",
            unsafe_allow_javascript=True,
        )
    if st.session_state.pop(COOKIE_TO_CLEAR, False):
        st.html(
            f"<script>fetch({json.dumps(SIGN_OUT_ROUTE)}, {{method: 'POST', "
            "credentials: 'same-origin', headers: {'Content-Type': "
            "'application/json'}, body: '{}'});</script>",
            unsafe_allow_javascript=True,
        )
