"""tools/browser.py finds Chromium or Chrome portably: PZ_CHROMIUM wins, then PATH, then install paths; with none,
one line that says what to do."""
import os
import stat
import subprocess
import sys

import pytest

from tools import browser
from tools.browser import BrowserNotFound, find_chromium


def fake_executable(path):
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_environment_variable_wins(tmp_path):
    chosen = fake_executable(tmp_path / "my-chrome")
    other = fake_executable(tmp_path / "chromium")
    found = find_chromium({browser.ENV: chosen}, which=lambda name: other, install_paths=[other])
    assert found == chosen


def test_environment_variable_pointing_nowhere_is_an_error(tmp_path):
    with pytest.raises(BrowserNotFound, match=browser.ENV) as error:
        find_chromium({browser.ENV: str(tmp_path / "nope")}, which=lambda name: "/usr/bin/chromium")
    assert "\n" not in str(error.value)


def test_path_commands_in_order_then_install_paths(tmp_path):
    on_path = {"google-chrome": "/x/google-chrome", "google-chrome-stable": "/x/stable"}
    assert find_chromium({}, which=on_path.get, install_paths=[]) == "/x/google-chrome"
    installed = fake_executable(tmp_path / "Google Chrome")
    assert find_chromium({}, which=lambda name: None, install_paths=[str(tmp_path / "absent"), installed]) == installed


def test_no_browser_gives_one_clear_line():
    with pytest.raises(BrowserNotFound) as error:
        find_chromium({}, which=lambda name: None, install_paths=[])
    message = str(error.value)
    assert "\n" not in message
    assert "no Chromium or Chrome found" in message and browser.ENV in message


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
def test_the_browser_fixture_fails_with_that_line(tmp_path):
    """The browser tests themselves: a browser that cannot be found fails them with the one line, no traceback."""
    test = tmp_path / "test_needs_browser.py"
    test.write_text("from conftest import browser  # noqa: F401\n\n\ndef test_it(browser):\n    pass\n",
                    encoding="utf-8")
    missing = tmp_path / "no-chrome-here"
    env = {**os.environ, browser.ENV: str(missing),
           # the tests' folder and this checkout (tools/ is not an installed package)
           "PYTHONPATH": os.pathsep.join([os.path.dirname(__file__), os.path.dirname(os.path.dirname(__file__))])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                             str(test)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{browser.ENV}={missing} is not an executable file" in result.stdout, result.stdout
    assert "Traceback" not in result.stdout and "raise BrowserNotFound" not in result.stdout, result.stdout
