"""Staff app accounts: creation, sign-in with lockout, sessions, sign-out.

Passwords are hashed with argon2id (argon2-cffi's default parameters). A
sign-in that fails counts against the account, and enough failures in a row
lock it for `lockout_minutes`; the failure count is the one thing a refused
sign-in writes, so the caller commits before showing the refusal. A session
is a random token handed to the browser; the database keeps only its
SHA-256 digest, and signing out ends it on the server.
"""

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from operational import vocabulary as v
from operational.audit import audit, snapshot
from operational.errors import (
    AccountLocked,
    Conflict,
    InvalidValue,
    NotFound,
    SignInRefused,
)
from operational.models import (
    CounselorCaseload,
    School,
    SchoolYear,
    Staff,
    Student,
    UserAccount,
    UserSchool,
    UserSession,
)
from operational.models.base import utc_now
from operational.services._writes import savepoint
from operational.settings import get_settings

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")

# Roles whose rows come from a staff record (their sections, their caseload),
# and roles that serve named schools.
NEEDS_STAFF = ("teacher", "counselor")
NEEDS_SCHOOLS = ("registrar", "finance_officer")

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name takes as long
# as a wrong password and the timing does not tell which names exist.
_UNKNOWN_ACCOUNT_HASH = _hasher.hash(secrets.token_urlsafe(16))

REFUSED = "that name and password do not match an account"


@dataclass(frozen=True)
class SignIn:
    account: UserAccount
    token: str  # for the browser's cookie only; never stored
    expires_at: dt.datetime


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def validate_password(password: str | None, username: str) -> str:
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
        )
    if username.lower() in password.lower():
        raise InvalidValue("a password must not contain the account's name")
    return password


def find_account(session: Session, username: str) -> UserAccount | None:
    return session.scalars(
        select(UserAccount).where(UserAccount.username == username.strip().lower())
    ).one_or_none()


def create_account(
    session: Session,
    actor: str,
    *,
    username: str,
    role: str,
    password: str | None,
    display_name: str | None = None,
    email: str | None = None,
    staff_id: int | None = None,
    school_ids: Iterable[int] = (),
) -> UserAccount:
    """A new account. Without a password it can sign in only through the
    OpenID Connect provider, which must then know it by `email`."""
    username = username.strip().lower()
    school_ids = sorted(set(school_ids))
    if not USERNAME.match(username):
        raise InvalidValue(
            f"{username!r} is not a usable name: 2 to 60 lower-case letters, "
            "digits, dots, dashes or underscores, starting with a letter or digit"
        )
    if role not in v.ROLES:
        raise InvalidValue(f"{role!r} is not a role; use one of: " + ", ".join(v.ROLES))
    if password is None and not email:
        raise InvalidValue(
            "an account needs a password, or an email for provider sign-in"
        )
    if password is not None:
        validate_password(password, username)
    if role in NEEDS_STAFF and staff_id is None:
        raise InvalidValue(f"a {role} account needs the staff member it belongs to")
    if role in NEEDS_SCHOOLS and not school_ids:
        raise InvalidValue(f"a {role} account needs at least one school")
    if staff_id is not None and session.get(Staff, staff_id) is None:
        raise NotFound(f"no staff member with id {staff_id}")
    known = set(
        session.scalars(
            select(School.school_id).where(School.school_id.in_(school_ids))
        )
    )
    missing = [school_id for school_id in school_ids if school_id not in known]
    if missing:
        raise NotFound(f"no school with id {missing[0]}")
    if find_account(session, username) is not None:
        raise Conflict(f"an account named {username} exists already")

    staff = session.get(Staff, staff_id) if staff_id is not None else None
    account = UserAccount(
        username=username,
        display_name=(display_name or "").strip()
        or (f"{staff.first_name} {staff.last_name}" if staff else username),
        role=role,
        email=email.strip().lower() if email else None,
        password_hash=_hasher.hash(password) if password is not None else None,
        staff_id=staff_id,
        is_active=True,
        failed_sign_ins=0,
    )
    with savepoint(session):
        session.add(account)
        session.flush()
        for school_id in school_ids:
            session.add(
                UserSchool(user_account_id=account.user_account_id, school_id=school_id)
            )
        audit(session, actor, "create_account", account, before=None)
    return account


def account_school_ids(session: Session, account: UserAccount) -> set[int]:
    return set(
        session.scalars(
            select(UserSchool.school_id).where(
                UserSchool.user_account_id == account.user_account_id
            )
        )
    )


def assign_caseload(
    session: Session,
    actor: str,
    *,
    staff_id: int | None,
    student_ids: Iterable[int],
    school_year_id: int,
) -> int:
    """Put students on a counselor's caseload for a year; returns how many
    were new (a student already on it is left as they are)."""
    wanted = sorted(set(student_ids))
    if staff_id is None or session.get(Staff, staff_id) is None:
        raise NotFound(f"no staff member with id {staff_id}")
    if session.get(SchoolYear, school_year_id) is None:
        raise NotFound(f"no school year with id {school_year_id}")
    known = set(
        session.scalars(
            select(Student.student_id).where(Student.student_id.in_(wanted))
        )
    )
    missing = [student_id for student_id in wanted if student_id not in known]
    if missing:
        raise NotFound(f"no student with id {missing[0]}")
    already = set(
        session.scalars(
            select(CounselorCaseload.student_id).where(
                CounselorCaseload.staff_id == staff_id,
                CounselorCaseload.school_year_id == school_year_id,
            )
        )
    )
    new = [student_id for student_id in wanted if student_id not in already]
    with savepoint(session):
        for student_id in new:
            entry = CounselorCaseload(
                staff_id=staff_id, student_id=student_id, school_year_id=school_year_id
            )
            session.add(entry)
            audit(session, actor, "assign_caseload", entry, before=None)
    return len(new)


def set_password(
    session: Session, actor: str, username: str, password: str
) -> UserAccount:
    account = _existing(session, username)
    validate_password(password, account.username)
    before = snapshot(account)
    with savepoint(session):
        account.password_hash = _hasher.hash(password)
        account.failed_sign_ins = 0
        account.locked_until = None
        _end_sessions(session, account)
        audit(session, actor, "set_password", account, before)
    return account


def disable(session: Session, actor: str, username: str) -> UserAccount:
    """Switch an account off and end its sessions, for someone who left."""
    account = _existing(session, username)
    before = snapshot(account)
    with savepoint(session):
        account.is_active = False
        _end_sessions(session, account)
        audit(session, actor, "disable_account", account, before)
    return account


def _end_sessions(session: Session, account: UserAccount) -> int:
    """End every running session of the account; how many there were."""
    return session.execute(
        update(UserSession)
        .where(
            UserSession.user_account_id == account.user_account_id,
            UserSession.ended_at.is_(None),
        )
        .values(ended_at=utc_now())
    ).rowcount


def unlock(session: Session, actor: str, username: str) -> UserAccount:
    """Lift a lockout before it runs out, for a user who called for help."""
    account = _existing(session, username)
    before = snapshot(account)
    with savepoint(session):
        account.failed_sign_ins = 0
        account.locked_until = None
        audit(session, actor, "unlock_account", account, before)
    return account


def _existing(session: Session, username: str) -> UserAccount:
    account = find_account(session, username)
    if account is None:
        raise NotFound(f"no account named {username.strip().lower()}")
    return account


def sign_in(
    session: Session,
    username: str,
    password: str,
    *,
    now: dt.datetime | None = None,
) -> SignIn:
    """Check a name and password and start a session.

    Raises `SignInRefused` or `AccountLocked`. A wrong password still writes
    the failure count (and the lock, on the last allowed failure): commit
    the session before handling the refusal.
    """
    now = now or utc_now()
    account = find_account(session, username or "")
    # Every refusal runs one argon2 verification, so its timing does not
    # tell an unknown, switched-off or locked name from a wrong password.
    if account is None or account.password_hash is None or not account.is_active:
        _verify(_UNKNOWN_ACCOUNT_HASH, password or "")
        log.info("refused sign-in for unknown or unusable name %r", username)
        raise SignInRefused(REFUSED)
    if account.locked_until is not None and account.locked_until > now:
        _verify(_UNKNOWN_ACCOUNT_HASH, password or "")
        raise AccountLocked(_locked_message(account.locked_until))

    if not _verify(account.password_hash, password or ""):
        _count_failure(session, account, now)
        log.info("refused sign-in for %s", account.username)
        raise SignInRefused(REFUSED)

    account.failed_sign_ins = 0
    account.locked_until = None
    account.last_sign_in_at = now
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return _start_session(session, account, now)


def _count_failure(session: Session, account: UserAccount, now: dt.datetime) -> None:
    """Count a failed sign-in, and lock the account on the last one allowed.

    The count is raised by the database itself, so guesses made at the same
    time on PostgreSQL each count instead of overwriting one another.
    """
    settings = get_settings()
    failures = session.execute(
        update(UserAccount)
        .where(UserAccount.user_account_id == account.user_account_id)
        .values(failed_sign_ins=UserAccount.failed_sign_ins + 1)
        .returning(UserAccount.failed_sign_ins)
    ).scalar_one()
    if failures < settings.sign_in_max_failures:
        return
    locked_until = now + dt.timedelta(minutes=settings.lockout_minutes)
    session.execute(
        update(UserAccount)
        .where(UserAccount.user_account_id == account.user_account_id)
        .values(failed_sign_ins=0, locked_until=locked_until)
    )
    log.warning("account %s locked after failed sign-ins", account.username)
    raise AccountLocked(_locked_message(locked_until))


def sign_in_by_email(
    session: Session, email: str, *, now: dt.datetime | None = None
) -> SignIn:
    """Start a session for a user the OpenID Connect provider vouched for."""
    now = now or utc_now()
    # Only accounts made for the provider (no password) sign in this way, so
    # an address at the provider never opens a password account.
    account = session.scalars(
        select(UserAccount).where(
            func.lower(UserAccount.email) == (email or "").strip().lower(),
            UserAccount.password_hash.is_(None),
        )
    ).one_or_none()
    if account is None or not account.is_active:
        raise SignInRefused(
            f"no active Quad account has the address {email}; ask an administrator"
        )
    account.last_sign_in_at = now
    return _start_session(session, account, now)


def _start_session(session: Session, account: UserAccount, now: dt.datetime) -> SignIn:
    token = secrets.token_urlsafe(32)
    expires_at = now + dt.timedelta(hours=get_settings().session_hours)
    session.add(
        UserSession(
            user_account_id=account.user_account_id,
            token_digest=token_digest(token),
            started_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    log.info("%s signed in", account.username)
    return SignIn(account, token, expires_at)


def resume(
    session: Session, token: str | None, *, now: dt.datetime | None = None
) -> UserAccount | None:
    """The account of a session still running, or None: unknown, expired,
    signed out, or an account switched off since."""
    user_session = running_session(session, token, now=now)
    if user_session is None:
        return None
    account = session.get(UserAccount, user_session.user_account_id)
    return account if account.is_active else None


def running_session(
    session: Session, token: str | None, *, now: dt.datetime | None = None
) -> UserSession | None:
    """The session a token opened, while it is neither ended nor expired."""
    user_session = _session_of(session, token)
    if user_session is None or user_session.ended_at is not None:
        return None
    return user_session if user_session.expires_at > (now or utc_now()) else None


def _session_of(session: Session, token: str | None) -> UserSession | None:
    if not token:
        return None
    return session.scalars(
        select(UserSession).where(UserSession.token_digest == token_digest(token))
    ).one_or_none()


def sign_out(
    session: Session, token: str | None, *, now: dt.datetime | None = None
) -> bool:
    """End the session on the server; a copied cookie no longer works."""
    user_session = _session_of(session, token)
    if user_session is None or user_session.ended_at is not None:
        return False
    user_session.ended_at = now or utc_now()
    session.flush()
    return True


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _locked_message(until: dt.datetime) -> str:
    return (
        "too many failed sign-ins: this account is locked until "
        f"{until:%H:%M} UTC; an administrator can unlock it sooner"
    )
