"""The extension's page handlers (pzboek/sphinxext/pages.py) in-process, with sphinx.testing on a small project."""
from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from pzboek.sphinxext import pages

VERKENNER = '.. raw:: html\n\n   <div class="pz-verkenner"></div>\n'


def sphinx_build(project: Path) -> SphinxTestApp:
    """An HTML build of the small project in `project`, in-process; the application, for what it collected."""
    app = SphinxTestApp("html", srcdir=project, status=StringIO(), warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def test_the_verkenner_page_gets_the_chapter_titles_sphinx_read_and_a_new_title_rewrites_it(tmp_path):
    """Titles from env.titles (not a kernel); a changed title rewrites the page that lists them, and only the
    changed chapter is read again."""
    (tmp_path / "chapters").mkdir()
    (tmp_path / "conf.py").write_text(
        "from pzboek.sphinxext import pages\n"
        "templates_path = ['_templates']\n"
        "def setup(app):\n"
        "    app.connect('env-updated', pages._titles_changed)\n"
        "    app.connect('html-page-context', pages._titles_for_the_verkenner)\n", encoding="utf-8")
    (tmp_path / "_templates").mkdir()
    (tmp_path / "_templates" / "page.html").write_text(  # the book's layout.html hands it on the same way
        '{% extends "!page.html" %}{% block body %}{% if pz_hoofdstukken %}{{ pz_hoofdstukken | tojson }}{% endif %}'
        '{{ super() }}{% endblock %}',
        encoding="utf-8")
    (tmp_path / "index.rst").write_text(".. toctree::\n\n   chapters/01_een\n   verkenner\n", encoding="utf-8")
    (tmp_path / "chapters" / "01_een.rst").write_text("Het begin\n=========\n\nTekst.\n", encoding="utf-8")
    (tmp_path / "verkenner.rst").write_text(f"Verkenner\n=========\n\n{VERKENNER}", encoding="utf-8")

    def build():
        app = sphinx_build(tmp_path)
        return Path(app.outdir), Path(app.doctreedir)

    site, doctrees = build()
    read, written = ((doctrees / "verkenner.doctree").stat().st_mtime_ns, (site / "verkenner.html").stat().st_mtime_ns)
    assert '{"01_een": "Het begin"}' in (site / "verkenner.html").read_text(encoding="utf-8")
    assert "Het begin\"}" not in (site / "chapters" / "01_een.html").read_text(encoding="utf-8")  # that page only
    (tmp_path / "chapters" / "01_een.rst").write_text("Een nieuw begin\n===============\n\nTekst.\n", encoding="utf-8")
    build()
    assert '{"01_een": "Een nieuw begin"}' in (site / "verkenner.html").read_text(encoding="utf-8")
    assert (doctrees / "verkenner.doctree").stat().st_mtime_ns == read  # written again, not read again
    assert (site / "verkenner.html").stat().st_mtime_ns != written


def test_the_theme_stylesheets_are_joined_in_sphinxs_order_and_trimmed_once(tmp_path):
    """In-process, on a one-page project with the book's theme: the joined stylesheet is the base themes' declared
    stylesheets (basic, then pydata-sphinx-theme: what the theme's own template would link) before every stylesheet
    Sphinx lists, in its priority order; its rules are trimmed to the page; a second build that changes neither
    the join nor the page's words leaves the file as it was."""
    (tmp_path / "conf.py").write_text(
        "from pzboek.sphinxext import pages\n"
        "html_theme = 'sphinx_book_theme'\n"
        "def setup(app):\n"
        "    app.connect('builder-inited', pages._theme_filters)\n"
        "    app.connect('builder-inited', pages._base_theme_stylesheets)\n"
        "    app.connect('html-page-context', pages._one_stylesheet, priority=400)\n"
        "    app.connect('build-finished', lambda app, exc: pages._write_joined_stylesheets(app))\n", encoding="utf-8")
    (tmp_path / "index.rst").write_text("Titel\n=====\n\nEen zin.\n", encoding="utf-8")

    app = sphinx_build(tmp_path)
    (name, files), = app.pz_stylesheets.items()
    assert files[:3] == ["_static/basic.css", "_static/styles/pydata-sphinx-theme.css", "_static/pygments.css"]
    assert "_static/styles/sphinx-book-theme.css" in files
    joined = Path(app.outdir) / name
    css = joined.read_text(encoding="utf-8")
    assert pages.HEADER.match(css).group(2).split() == files  # what it joins, named in its first line
    assert "div.sphinxsidebar" not in css and ".bd-header" in css
    assert "div.sphinxsidebar" in pages.untrimmed(Path(app.outdir), name)
    written = joined.stat().st_mtime_ns
    (tmp_path / "index.rst").write_text("Titel\n=====\n\nEen zin, en nog een.\n", encoding="utf-8")  # no class names
    sphinx_build(tmp_path)
    assert joined.stat().st_mtime_ns == written
    (tmp_path / "index.rst").write_text("Titel\n=====\n\n.. raw:: html\n\n   <div class=\"sphinxsidebar\"></div>\n",
                                        encoding="utf-8")
    stale = joined.with_name("pz-0123456789ab.css")  # a join of an earlier list of stylesheets, linked by no page
    stale.write_text("/* oud */", encoding="utf-8")
    sphinx_build(tmp_path)
    assert "div.sphinxsidebar" in joined.read_text(encoding="utf-8")
    assert not stale.exists() and sorted(joined.parent.glob("pz-*.css")) == [joined]
