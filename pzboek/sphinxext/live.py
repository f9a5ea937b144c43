"""`make live`: a live preview that rebuilds the book when a source file is saved and reloads the browser.

`python -m pzboek.sphinxext.live [--port 8000] [more sphinx-autobuild options]` runs sphinx-autobuild on the book.
Each rebuild is a Sphinx run with the book's extension, so it is the same build as `make book`: into the same
_build/html (reusing its executed notebooks), under the same build lock (a `make book` meanwhile waits), with
the same check (a changed survey file, codebook or table is validated before Sphinx reads a page; a bad one
stops that rebuild with its one line and the last good pages stay served). Before each rebuild,
`python -m pzboek.sphinxext.live --prepare` writes conf.py from _config.yml (sphinx-autobuild runs plain Sphinx,
not `jupyter-book build`) when _config.yml or _toc.yml changed.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .inputs import ROOT
from .prepare import BUILD

CONF = ROOT / "conf.py"  # generated, not committed (.gitignore)
CONFIG_FILES = [ROOT / "_config.yml", ROOT / "_toc.yml"]
# Not sources of the site, or written by the build itself: saving them must not start a rebuild.
IGNORED = ["_build", ".venv", ".git", ".jupyter", "conf.py", "tests", "bench"]
IGNORED_PATTERNS = [r"/jupyter_execute/", r"/\.ipynb_checkpoints/", r"/__pycache__/", r"\.ipynb$",
                    r"(~|\.swp|\.swx|\.tmp)$", r"/\.#"]


def write_conf() -> None:
    """conf.py from _config.yml and _toc.yml, as `jupyter-book config sphinx .` writes it, if they are newer."""
    if CONF.exists() and all(CONF.stat().st_mtime >= f.stat().st_mtime for f in CONFIG_FILES):
        return
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jupyter_book), "config", "sphinx", str(ROOT)], check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    write_conf()  # before sphinx-autobuild reads its options, and before each rebuild
    if argv[:1] == ["--prepare"]:
        return 0
    import sphinx_autobuild.__main__ as autobuild

    build = BUILD
    options = ["--pre-build", f"{sys.executable} -m pzboek.sphinxext.live --prepare", "-n",
               "-d", str(build / ".doctrees"), "-c", str(ROOT)]
    for ignored in IGNORED:
        options += ["--ignore", str(ROOT / ignored)]
    for pattern in IGNORED_PATTERNS:
        options += ["--re-ignore", pattern]
    autobuild.main([str(ROOT), str(build / "html"), *options, *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
