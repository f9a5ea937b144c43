"""The published site: internal links and anchors resolve, and a clean rebuild gives the same pages."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pzboek import paths

HREF = re.compile(r'(?:href|src)="([^"]+)"')
BUILD_ID = re.compile(r"\?v=[0-9a-f]+")
PUBLISHED = "/participatiezekerheid/"  # html.baseurl's path, notfound_urls_prefix in _config.yml


def test_every_internal_link_and_anchor_resolves(built_book):
    ids = {}
    broken = []
    for page in [p for p in built_book.rglob("*.html") if "_static" not in p.parts]:
        html = page.read_text(encoding="utf-8")
        for target in HREF.findall(html):
            parts = urlsplit(target)
            if parts.scheme or target.startswith(("//", "mailto:", "data:")):
                continue
            if parts.path.startswith(PUBLISHED):  # the 404 page's addresses are absolute, under the published path
                path = (built_book / unquote(parts.path)[len(PUBLISHED):]).resolve()
            else:
                path = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not path.exists():
                broken.append(f"{page.relative_to(built_book)} -> {target}")
                continue
            if parts.fragment and path.suffix == ".html":
                if path not in ids:
                    ids[path] = set(re.findall(r'id="([^"]+)"', path.read_text(encoding="utf-8")))
                if parts.fragment not in ids[path]:
                    broken.append(f"{page.relative_to(built_book)} -> {target} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_two_clean_builds_give_identical_pages(built_book, tmp_path):
    copy = tmp_path / "book"
    shutil.copytree(paths.ROOT, copy, ignore=shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "bench"))
    env = {**{k: v for k, v in os.environ.items() if k != "PZ_SURVEY"}, "PYTHONPATH": str(copy)}
    bin_dir = Path(sys.executable).parent
    subprocess.run([sys.executable, "-m", "pzboek.check"], cwd=copy, env=env, check=True)
    subprocess.run([str(bin_dir / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"],
                   cwd=copy, env=env, check=True, capture_output=True)
    pages = [Path("index.html"), *sorted(p.relative_to(built_book) for p in (built_book / "chapters").glob("*.html"))]
    assert len(pages) == len(list((paths.ROOT / "chapters").glob("*.md"))) + 1
    for page in pages:
        first = BUILD_ID.sub("", (built_book / page).read_text(encoding="utf-8"))
        second = BUILD_ID.sub("", (copy / "_build/html" / page).read_text(encoding="utf-8"))
        assert first == second, page
    for download in (built_book / "downloads").glob("figuur*.[cs][sv]*"):
        assert download.read_bytes() == (copy / "_build/html/downloads" / download.name).read_bytes(), download
