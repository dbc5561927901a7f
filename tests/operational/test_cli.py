"""The `quad` program fails with one clear line, never a traceback."""

import subprocess
import sys

QUAD = [sys.executable, "-c", "from operational.cli import main; main()"]


def run_quad(*args: str):
    return subprocess.run(
        [*QUAD, *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_db_upgrade_creates_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'quad.db'}"
    result = run_quad("db", "upgrade", "--database-url", url)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "new" / "quad.db").exists()


def test_unreachable_database_is_one_line_without_traceback():
    url = "postgresql+psycopg://nobody@127.0.0.1:9/nowhere"
    result = run_quad("db", "upgrade", "--database-url", url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("quad: cannot use the database:")
    assert "Traceback" not in result.stderr


def test_unknown_command_is_a_usage_error():
    result = run_quad("enrol-everyone")
    assert result.returncode == 2
    assert result.stderr == (
        "quad: No such command 'enrol-everyone'. (see quad --help)\n"
    )


def test_seed_of_a_size_that_does_not_exist_is_one_line():
    result = run_quad("seed", "--size", "huge")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "'huge' is not one of 'tiny', 'small', 'district', 'large'" in lines[0]


def test_seed_of_an_unreachable_database_is_one_line():
    url = "postgresql+psycopg://nobody@127.0.0.1:9/nowhere"
    result = run_quad("seed", "--size", "tiny", "--database-url", url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("quad: cannot use the database:")
