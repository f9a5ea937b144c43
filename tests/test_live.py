"""`make live` on a copy of the book: the page is served, a saved chapter edit appears in it, and the
process stops cleanly. The build lock serialises builds that share a _build folder."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pzboek import paths
from pzboek.sphinxext import prepare

SENTENCE = "Deze zin is toegevoegd door de test van de live preview."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(condition, seconds: float, process: subprocess.Popen, log: Path):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        assert process.poll() is None, f"the live preview stopped with exit code {process.returncode}"
        assert "exited with exit code" not in log.read_text(), log.read_text()[-3000:]
        if (result := condition()):
            return result
        time.sleep(0.2)
    return None


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
def test_live_preview_rebuilds_a_saved_chapter(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(paths.ROOT, book, ignore=shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache",
                                                                        "bench", "conf.py"))
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if k not in ("PZ_SURVEY", prepare.LOCK_HELD)},
           "PYTHONPATH": str(book)}
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / ".installed").touch()
    log = open(tmp_path / "live.log", "w")
    # The Makefile's command, run by make in the copy (its .venv is this environment: no install step).
    process = subprocess.Popen(["make", "--no-print-directory", "live", f"PORT={port}", f"BIN={Path(sys.executable).parent}",
                                f"VENV={tmp_path / 'venv'}"],
                               cwd=book, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        chapter_url = f"http://127.0.0.1:{port}/chapters/01_vooraf.html"
        first = wait_for(lambda: fetch(chapter_url), 240, process, tmp_path / "live.log")
        assert first and "participatiezekerheid" in first.lower(), (tmp_path / "live.log").read_text()[-3000:]
        assert SENTENCE not in first
        time.sleep(1)  # let the watcher settle after the initial build
        chapter = book / "chapters" / "01_vooraf.md"
        chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n{SENTENCE}\n", encoding="utf-8")
        saved = time.monotonic()
        shown = wait_for(lambda: SENTENCE in (fetch(chapter_url) or ""), 60, process, tmp_path / "live.log")
        took = time.monotonic() - saved
        print(f"the edit was served {took:.1f} s after the save")
        assert shown, (tmp_path / "live.log").read_text()[-3000:]
        assert took < 15, f"the edit took {took:.1f} s to appear"
        # A broken data file: the check runs before Sphinx, stops the rebuild, and the last good pages stay served.
        margins = book / "data" / "margins.yml"
        margins.write_text(margins.read_text(encoding="utf-8") + "\nkapot: [\n", encoding="utf-8")
        end = time.monotonic() + 30
        while "exited with exit code" not in (tmp_path / "live.log").read_text():
            assert time.monotonic() < end, (tmp_path / "live.log").read_text()[-3000:]
            time.sleep(0.2)
        assert f"error: {margins}: not valid YAML" in (tmp_path / "live.log").read_text()  # the check's one line
        assert SENTENCE in (fetch(chapter_url) or "")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
    assert fetch(f"http://127.0.0.1:{port}/") is None, "the server still answers after stopping"


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
def test_build_lock_serialises_builds(tmp_path, monkeypatch):
    """While one process holds the lock, a second waits (and says so); a child of the holder does not wait."""
    monkeypatch.setattr(prepare, "BUILD", tmp_path / "_build")
    monkeypatch.delenv(prepare.LOCK_HELD, raising=False)
    env = {k: v for k, v in os.environ.items() if k != prepare.LOCK_HELD}
    script = ("import sys, time; from pathlib import Path; from pzboek.sphinxext import prepare; "
              f"prepare.BUILD = Path({str(tmp_path / '_build')!r}); "
              "t = time.monotonic(); prepare.build_lock(); print(round(time.monotonic() - t, 1))")
    holder = subprocess.Popen([sys.executable, "-c", script + "; sys.stdout.flush(); time.sleep(3)"], env=env,
                              stdout=subprocess.PIPE, text=True)
    assert float(holder.stdout.readline()) < 1
    waiter = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    child = subprocess.run([sys.executable, "-c", script], env={**env, prepare.LOCK_HELD: str(tmp_path / "_build" / ".lock")},
                           stdout=subprocess.PIPE, text=True, timeout=30)
    time.sleep(1)
    assert waiter.poll() is None, "the second build did not wait for the lock"
    out, err = waiter.communicate(timeout=30)
    holder.wait(timeout=30)
    assert float(out) >= 1.5 and "waiting for another build" in err
    assert float(child.stdout) < 1  # started by the holder: PZBOEK_BUILD_LOCK in its environment
