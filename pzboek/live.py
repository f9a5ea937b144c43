"""`make live`: a live preview that rebuilds the book when a source file is saved and reloads the browser.

`python -m pzboek.live [--port 8000] [more sphinx-autobuild options]` runs sphinx-autobuild on the book. It
builds into the same _build/html (and _build/.doctrees, _build/.jupyter_cache) as `make book`, so the
notebooks the check step executed are reused; each rebuild holds the build lock of pzboek/check.py, so a
`make book` at the same time waits instead of sharing the cache. Before each rebuild, `python -m pzboek.live
--prepare` writes conf.py from _config.yml (sphinx-autobuild runs plain Sphinx, not `jupyter-book build`)
when _config.yml or _toc.yml changed, then runs the check: a changed survey file, codebook or table is
validated, stale caches are cleared and the notebooks executed again before Sphinx reads a page.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from . import check, paths

CONF = paths.ROOT / "conf.py"  # generated, not committed (.gitignore)
CONFIG_FILES = [paths.ROOT / "_config.yml", paths.ROOT / "_toc.yml"]
# Not sources of the site, or written by the build itself: saving them must not start a rebuild.
IGNORED = ["_build", ".venv", ".git", ".jupyter", "conf.py", "tests", "bench"]
IGNORED_PATTERNS = [r"/jupyter_execute/", r"/\.ipynb_checkpoints/", r"/__pycache__/", r"\.ipynb$",
                    r"(~|\.swp|\.swx|\.tmp)$", r"/\.#"]


def write_conf() -> None:
    """conf.py from _config.yml and _toc.yml, as `jupyter-book config sphinx .` writes it, if they are newer."""
    if CONF.exists() and all(CONF.stat().st_mtime >= f.stat().st_mtime for f in CONFIG_FILES):
        return
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jupyter_book), "config", "sphinx", str(paths.ROOT)], check=True, stdout=subprocess.DEVNULL)


def prepare() -> int:
    write_conf()
    return check.main()


class LockedBuilder:
    """sphinx-autobuild's builder (pre-build commands, then Sphinx) under the build lock of the check step."""

    def __init__(self, *args, **kwargs):
        from sphinx_autobuild.build import Builder

        self.builder = Builder(*args, **kwargs)

    def __call__(self, *, changed_paths):
        with check.build_lock():
            return self.builder(changed_paths=changed_paths)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--prepare"]:
        return prepare()
    import sphinx_autobuild.__main__ as autobuild

    prepared = prepare()  # conf.py must exist before sphinx-autobuild reads its options
    if prepared != 0:
        return prepared
    autobuild.Builder = LockedBuilder
    build = check.BUILD
    options = ["--pre-build", f"{sys.executable} -m pzboek.live --prepare", "-n",
               "-d", str(build / ".doctrees"), "-c", str(paths.ROOT)]
    for ignored in IGNORED:
        options += ["--ignore", str(paths.ROOT / ignored)]
    for pattern in IGNORED_PATTERNS:
        options += ["--re-ignore", pattern]
    autobuild.main([str(paths.ROOT), str(build / "html"), *options, *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
