"""Driving the staff app in tests with Streamlit's AppTest."""

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.support.app_school import PASSWORD

ENTRY_FILE = Path(__file__).parents[2] / "apps" / "main.py"
TIMEOUT = 30


def new_app() -> AppTest:
    return AppTest.from_file(str(ENTRY_FILE), default_timeout=TIMEOUT)


def sign_in(app: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    app.run()
    app.text_input(key="sign_in_name").input(username)
    app.text_input(key="sign_in_password").input(password)
    app.form_submit_button[0].click().run()
    return app


def texts(app: AppTest, kind: str) -> list[str]:
    """The values of every element of a kind: "error", "success", "info"...,
    as the user reads them (without the escapes of `ui.plain`)."""
    return [
        re.sub(r"\\([\\\[<])", r"\1", element.value) for element in getattr(app, kind)
    ]
