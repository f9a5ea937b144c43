"""The book's inputs, as declared in pyproject.toml ([tool.pzboek.inputs]), and their digests.

Standard library only: the Makefile and the CI workflow call it with the system Python before any environment
exists.

    python3 -m pzboek.sphinxext.inputs files results notebooks site   # the files, one per line (the Makefile)
    python3 -m pzboek.sphinxext.inputs digest results notebooks       # one hash of them (the CI cache key)
    python3 -m pzboek.sphinxext.inputs digest results notebooks site  # what the site is built from (the Makefile)
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
import sys
import tomllib
from pathlib import Path

from pzboek import paths

ROOT = paths.ROOT
GROUPS = ("results", "notebooks", "site")


def declared() -> dict[str, list[str]]:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["pzboek"]["inputs"]


def files(*groups: str) -> list[Path]:
    """The files of these groups that exist, sorted, each once; for 'results' also the configured survey file."""
    patterns = declared()
    unknown = [g for g in groups if g not in patterns]
    if unknown:
        raise KeyError(f"{ROOT / 'pyproject.toml'}: no input group '{unknown[0]}' in [tool.pzboek.inputs]")
    found = {p for g in groups for pattern in patterns[g] for p in ROOT.glob(pattern) if p.is_file()}
    if "results" in groups and paths.survey_path().is_file():
        found.add(paths.survey_path())
    return sorted(found)


def digest(*groups: str, leave_out: tuple[Path, ...] = ()) -> str:
    """Hash of the names and contents of these groups' files, of which survey file is configured (its normalised
    path: `a.sav` and `./a.sav` are one setting) and, for 'site', whether the PDF edition is written ($PZ_PDF). A
    configured survey file that is missing or a folder only changes the hash: the build's check says what is wrong
    with it."""
    hashed = hashlib.sha256(str(paths.survey_path()).encode())
    if "site" in groups:
        hashed.update(f"\0PZ_PDF={os.environ.get('PZ_PDF', '')}".encode())
    for path in (p for p in files(*groups) if p not in leave_out):
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        hashed.update(f"\0{name}\0".encode())
        try:
            hashed.update(path.read_bytes())
        except OSError as err:  # an unreadable survey file: the check names it
            hashed.update(f"\0{err}".encode())
    return hashed.hexdigest()


# A page that computes chapters' numbers (`Hoofdstuk("03_…")`: each report chapter, and the landing page for
# chapters 1 and 6) depends on those chapters' rows of the published-figures table (column `hoofdstuk`) only, and
# on the figure table's rows of the figures it shows (its `glue:figure` directives) only. So a caption, or a
# chapter's row, edited re-executes the pages that show it. The other notebooks (the Verkenner, the appendices)
# count or mark every published row, but not its FIGURE_ONLY columns: the name a chapter's figure gives a bar
# (charts.figure_table), which tests/test_prepare.py checks those pages do not read.
CHAPTER_ROWS, FIGURE_ROWS = (p.relative_to(paths.ROOT) for p in (paths.PUBLISHED, paths.FIGURES))
FIGURE_ONLY = ("label",)
COMPUTED = re.compile(r"""\bHoofdstuk\(["']([^"']+)["']\)""")  # the chapters whose numbers a page computes
SHOWN = re.compile(r"^```\{glue:figure\} figuur(\w+)$", re.M)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def notebook_digests(notebooks: list[Path]) -> dict[str, str]:
    """Per notebook, the hash of what its results depend on: every 'results' input, but of the two tables above
    only the rows it uses."""
    shared = digest("results", leave_out=(ROOT / CHAPTER_ROWS, ROOT / FIGURE_ROWS))
    published, figures = _rows(ROOT / CHAPTER_ROWS), _rows(ROOT / FIGURE_ROWS)
    found = {}
    for notebook in notebooks:
        text = notebook.read_text(encoding="utf-8")
        computed = set(COMPUTED.findall(text))
        if computed:
            own = [r for r in published if r["hoofdstuk"] in computed]
        else:
            own = [{k: v for k, v in r.items() if k not in FIGURE_ONLY} for r in published]
        drawn = set(SHOWN.findall(text))
        shown = [r for r in figures if r["figuur"] in drawn]
        found[str(notebook)] = hashlib.sha256(f"{shared}\0{own}\0{shown}".encode()).hexdigest()
    return found


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("files", "digest"):
        print(f"usage: python3 -m pzboek.sphinxext.inputs files|digest {'|'.join(GROUPS)}...", file=sys.stderr)
        return 2
    try:
        if argv[0] == "digest":
            print(digest(*argv[1:]))
        else:
            print("\n".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in files(*argv[1:])))
    except KeyError as err:
        print(f"error: {err.args[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
