"""End to end in a real headless Chromium: sign in, take attendance, reload.

The app runs through `quad serve` on a free port, over a copy of the
fixture school. Playwright drives Debian's Chromium (`.ci/run` installs
it); where none is found the tests are skipped with a message saying so.
Screenshots of each step are kept under `build/test-artifacts/browser/`.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from apps import session as app_session
from operational.models import SectionAttendance
from operational.services import accounts
from tests.support.app_school import PASSWORD

REPOSITORY = Path(__file__).parents[2]
ARTIFACTS = REPOSITORY / "build" / "test-artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without the networking flags Chromium keeps calling out to Google's
# services, which a closed school network refuses many times a second.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 30_000
QUAD = [sys.executable, "-c", "from operational.cli import main; main()"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="browser tests skipped: no Chromium found (Debian's chromium package; "
    ".ci/run installs it)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served_app(app_database, tmp_path) -> Iterator[str]:
    """The staff app on a free port over this test's database copy."""
    port = free_port()
    log_file = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [*QUAD, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPOSITORY,
        env=os.environ.copy(),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(address, server, tmp_path / "server.log")
        yield address
    finally:
        server.terminate()
        server.wait(timeout=30)
        log_file.close()


def wait_until_healthy(address: str, server, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app did not start:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{address}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not answer in 60 s:\n{log_path.read_text()}")


@pytest.fixture
def browser_page(request) -> Iterator:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        try:
            yield page
        finally:
            page.screenshot(path=ARTIFACTS / f"{request.node.name}-last.png")
            context.close()
            browser.close()


def sign_in(page, address: str, username: str) -> None:
    page.goto(address)
    page.get_by_role("textbox", name="Name").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Welcome").wait_for()


def test_a_teacher_takes_attendance_reloads_and_sees_it_saved(
    served_app, browser_page, app_database
):
    page = browser_page
    sign_in(page, served_app, "teacher")
    page.screenshot(path=ARTIFACTS / "1-signed-in.png")

    # The day and section travel in the address, so a reload opens the
    # same register.
    section = app_database.ids["section"]
    page.goto(f"{served_app}/attendance?section={section}&day=2025-09-15")
    page.get_by_role("heading", name="Attendance").wait_for()
    page.get_by_text("Lovelace, Ada (S1)").wait_for()
    page.get_by_label("Status of Lovelace, Ada").click()
    page.get_by_role("option", name="UA: Unexcused absence").click()
    page.get_by_label("Comment on Lovelace, Ada").fill("<b>no note</b>")
    page.screenshot(path=ARTIFACTS / "2-attendance-form.png", full_page=True)
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved for 2025-09-15").wait_for()

    page.reload()
    page.get_by_role("heading", name="Attendance").wait_for()
    page.get_by_text("Lovelace, Ada (S1)").wait_for()
    assert page.get_by_role("heading", name="Quad").count() == 0
    saved = page.get_by_role("combobox", name="Status of Lovelace, Ada")
    assert saved.input_value() == "UA: Unexcused absence"
    assert saved.is_disabled()
    assert page.get_by_label("Comment on Lovelace, Ada").input_value() == (
        "<b>no note</b>"
    )
    page.screenshot(path=ARTIFACTS / "3-after-reload.png", full_page=True)

    with app_database.session() as session:
        recorded = session.execute(
            select(SectionAttendance.code, SectionAttendance.comment)
        ).all()
    assert recorded == [("UA", "<b>no note</b>")]


def test_the_session_cookie_is_http_only_and_sign_out_ends_it(served_app, browser_page):
    page = browser_page
    sign_in(page, served_app, "teacher")
    page.wait_for_function("document.cookie !== undefined")
    deadline = time.monotonic() + 10
    cookies = []
    while time.monotonic() < deadline and not cookies:
        cookies = [c for c in page.context.cookies() if c["name"] == "quad_session"]
        time.sleep(0.2)

    assert len(cookies) == 1
    assert cookies[0]["httpOnly"] is True
    assert cookies[0]["sameSite"] == "Strict"
    assert "quad_session" not in page.evaluate("document.cookie")

    page.reload()
    page.get_by_role("heading", name="Welcome").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.get_by_role("heading", name="Welcome").count() == 0


def post(address: str, path: str, body: dict, **headers: str) -> int:
    request = urllib.request.Request(
        f"{address}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"} | headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_cookie_route_sets_only_cookies_it_signed_from_its_own_pages(
    served_app, app_database
):
    with app_database.session() as session:
        started = accounts.sign_in(session, "teacher", PASSWORD)
    signed = {"cookie": app_session.sign_cookie(started.token)}
    route = app_session.SESSION_ROUTE

    assert post(served_app, route, {"cookie": "forged.value.here"}) == 403
    assert post(served_app, route, {"nothing": 1}) == 400
    # Another site's page cannot sign this browser in to someone's account.
    assert post(served_app, route, signed, Origin="https://elsewhere.example") == 403
    assert post(served_app, route, signed, **{"Sec-Fetch-Site": "cross-site"}) == 403
    assert post(served_app, route, signed, **{"Content-Type": "text/plain"}) == 403
    assert post(served_app, route, signed, Origin=served_app) == 204
