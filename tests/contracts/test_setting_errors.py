"""A bad setting ends a command with one line naming where the value came from.

Settings come from `CONTRACTS_*` variables and `contracts.toml`; a typo in either used to
end in a pydantic traceback. These run the real command group (and once the real
console process) with real variables and real files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contracts.cli import app

runner = CliRunner()


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No inherited CONTRACTS_* values; the settings file is one this test writes."""
    for name in list(os.environ):
        if name.startswith("CONTRACTS_"):
            monkeypatch.delenv(name)
    config = tmp_path / "contracts.toml"
    monkeypatch.setenv("CONTRACTS_CONFIG", str(config))
    return config


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def test_bad_variable_names_the_variable_and_its_value(clean_env: Path, tmp_path: Path) -> None:
    code, stderr = run(tmp_path / "home", "renewals", env={"CONTRACTS_OCR_MAX_PAGES": "lots"})
    assert code == 2
    assert stderr.startswith("error: invalid setting: CONTRACTS_OCR_MAX_PAGES='lots': ")
    assert "valid integer" in stderr and stderr.count("\n") == 1


def test_bad_list_item_names_the_whole_variable(clean_env: Path, tmp_path: Path) -> None:
    code, stderr = run(tmp_path / "home", "renewals", env={"CONTRACTS_ALERT_LEAD_DAYS": "30,x"})
    assert code == 2 and "CONTRACTS_ALERT_LEAD_DAYS='30,x'" in stderr


def test_bad_key_in_the_settings_file_names_the_file(clean_env: Path, tmp_path: Path) -> None:
    clean_env.write_text('ocr_time_budget = "soon"\n')
    code, stderr = run(tmp_path / "home", "renewals")
    assert code == 2
    assert f"ocr_time_budget = 'soon' in {clean_env}" in stderr and "valid number" in stderr


def test_variable_wins_and_is_named_over_the_file(clean_env: Path, tmp_path: Path) -> None:
    clean_env.write_text("ocr_max_pages = 5\n")
    code, stderr = run(tmp_path / "home", "renewals", env={"CONTRACTS_OCR_MAX_PAGES": "-1"})
    assert code == 2 and "CONTRACTS_OCR_MAX_PAGES='-1'" in stderr and str(clean_env) not in stderr


def test_settings_file_that_is_not_toml(clean_env: Path, tmp_path: Path) -> None:
    clean_env.write_text("ocr_max_pages = \n")
    code, stderr = run(tmp_path / "home", "search", "notice")
    assert code == 2 and f"{clean_env}: not a valid TOML settings file" in stderr


def test_bad_search_threads(clean_env: Path, tmp_path: Path) -> None:
    code, stderr = run(tmp_path / "home", "search", "notice",
                       env={"CONTRACTS_SEARCH_THREADS": "two"})
    assert code == 2
    assert "CONTRACTS_SEARCH_THREADS='two': expected a whole number of threads" in stderr


def test_unknown_store_is_a_usage_error(clean_env: Path, tmp_path: Path) -> None:
    code, stderr = run(tmp_path / "home", "search", "notice",
                       env={"CONTRACTS_STORE": "mongodb://db"})
    assert code == 2 and "unknown portfolio store 'mongodb://db'" in stderr


def test_elasticsearch_settings_do_not_echo_values(clean_env: Path, tmp_path: Path) -> None:
    code, stderr = run(tmp_path / "home", "search", "notice", "--store", "https://127.0.0.1:9",
                       env={"CONTRACTS_ES_REQUEST_TIMEOUT": "secret-looking"})
    assert code == 2 and "CONTRACTS_ES_REQUEST_TIMEOUT:" in stderr
    assert "secret-looking" not in stderr


def test_console_command_prints_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTRACTS_")}
    env |= {"CONTRACTS_WORKERS": "many", "CONTRACTS_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", "from contracts.cli import app; app()", "list"],
        env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "error: invalid setting: CONTRACTS_WORKERS='many': Input should be a valid integer, "
        "unable to parse string as an integer\n"
    )


@pytest.mark.parametrize(("command", "variable"), [
    (["es", "status", "--store", "https://127.0.0.1:9"], "CONTRACTS_ES_MAX_RETRIES"),
    (["alerts"], "CONTRACTS_ALERT_LEAD_DAYS"),
])
def test_command_groups_with_their_own_error_handling_agree(
    clean_env: Path, tmp_path: Path, command: list[str], variable: str
) -> None:
    code, stderr = run(tmp_path / "home", *command, env={variable: "x"})
    assert code == 2 and stderr.startswith(f"error: invalid setting: {variable}")
