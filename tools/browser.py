"""Where Chromium or Chrome is on this machine, for the browser tests and the benchmark (bench/run.py).

The first of: the PZ_CHROMIUM environment variable (it wins, and must then point at an executable), the
commands chromium, chromium-browser, google-chrome and google-chrome-stable on PATH, and the usual install
paths on macOS and Linux.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

ENV = "PZ_CHROMIUM"
COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    str(Path.home() / "Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
    str(Path.home() / "Applications/Chromium.app/Contents/MacOS/Chromium"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/snap/bin/chromium",
    "/opt/google/chrome/chrome",
)


class BrowserNotFound(RuntimeError):
    """No Chromium or Chrome: the message is one line that says what to do."""


def find_chromium(environ: Mapping[str, str] | None = None, which: Callable[[str], str | None] = shutil.which,
                  install_paths: Iterable[str] = INSTALL_PATHS) -> str:
    """The path of a Chromium or Chrome executable, or BrowserNotFound with a one-line message."""
    environ = os.environ if environ is None else environ
    configured = environ.get(ENV, "").strip()
    if configured:
        if _executable(configured):
            return configured
        raise BrowserNotFound(f"{ENV}={configured} is not an executable file: point {ENV} at Chromium or Chrome")
    for command in COMMANDS:
        found = which(command)
        if found:
            return found
    for path in install_paths:
        if _executable(path):
            return path
    raise BrowserNotFound(f"no Chromium or Chrome found (looked for {ENV}, {', '.join(COMMANDS)} on PATH and the "
                          f"usual install paths): install one (Debian: apt-get install chromium) or set {ENV}")


def _executable(path: str) -> bool:
    return Path(path).is_file() and os.access(path, os.X_OK)
