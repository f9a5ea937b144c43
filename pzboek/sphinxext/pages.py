"""What the book's extension does to its HTML pages, through Sphinx's and the theme's hooks (`html-page-context`,
template blocks in _templates/layout.html, message catalogs): Dutch interface strings, one stylesheet request,
deferred scripts, no search index on chapter pages, the stand-in notice, links to each chapter's executed
notebook. Every page is complete as Sphinx writes it; nothing rewrites a written page.
"""
from __future__ import annotations

import configparser
import hashlib
import os
import re
import tomllib
from pathlib import Path

from docutils import nodes

from pzboek import paths

from .mends import dutch_static_scripts, mend
from .trim import WORD, site_words, trim_stylesheet

# The theme and extensions link a dozen stylesheets, one behind an @import: each a render-blocking request on a
# slow phone network. Pages link one stylesheet instead (`pz_stylesheet` in _templates/layout.html), the same
# files joined in the same order, named after the list of files, and trimmed to the rules the site can use
# (trim.py). A change to any of them rewrites every page (_assets_changed), and so the join.
CSS_IMPORT = re.compile(r'@import\s+(?:url\()?["\']([^"\']+)["\']\)?\s*;')
CSS_URL = re.compile(r'url\(\s*(["\']?)(?![a-z]+:|/|#|%23)([^"\')]+)\1\s*\)', re.I)
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")  # would name the wrong file once joined
STYLESHEETS_DIR = "_static/styles"
# The joined stylesheet's first line: a hash of what it was trimmed from, and the files it joins
HEADER = re.compile(r"^/\* pz-trim (\w+) of: ([^*]*) \*/\n")


def _stylesheet(path: Path, target_dir: Path) -> str:
    """A stylesheet with its @imports written in and its url()s made relative to target_dir."""
    text = SOURCE_MAP.sub("", path.read_text(encoding="utf-8").replace('@charset "UTF-8";', ""))
    text = CSS_IMPORT.sub(lambda m: _stylesheet((path.parent / m.group(1)).resolve(), target_dir), text)
    return CSS_URL.sub(lambda m: f'url("{os.path.relpath(path.parent / m.group(2), target_dir)}")', text)


def _base_theme_stylesheets(app) -> None:
    """pydata-sphinx-theme links its stylesheet and the basic theme's in its own template macro, not through Sphinx,
    and sphinx-book-theme's declaration overrides theirs; _templates/layout.html leaves the macro out. So each base
    theme's declared stylesheet (its theme.conf or theme.toml) goes to Sphinx's stylesheets, before all others, in
    the order the theme linked them: basic.css, then pydata-sphinx-theme.css."""
    if not hasattr(app.builder, "theme"):
        return
    for rank, folder in enumerate(reversed(app.builder.theme.get_theme_dirs()[1:])):
        for name in _declared_stylesheets(Path(folder)):
            app.add_css_file(name, priority=100 + rank)


def _declared_stylesheets(folder: Path) -> list[str]:
    if (folder / "theme.toml").is_file():
        return tomllib.loads((folder / "theme.toml").read_text(encoding="utf-8")).get("theme", {}).get("stylesheets", [])
    conf = configparser.RawConfigParser()
    conf.read(folder / "theme.conf", encoding="utf-8")
    return [n.strip() for n in conf.get("theme", "stylesheet", fallback="").split(",") if n.strip()]


def _one_stylesheet(app, pagename, templatename, context, doctree) -> None:
    if "css_files" not in context:
        return
    sheets = sorted((c for c in context["css_files"] if not _thebe(c)), key=lambda c: c.priority)
    joined = [c for c in sheets if not c.attributes.get("media")]
    files = [c.filename.split("?")[0] for c in joined]
    name = f"{STYLESHEETS_DIR}/pz-{hashlib.sha256(' '.join(files).encode()).hexdigest()[:12]}.css"
    app.pz_stylesheets[name] = files
    context["pz_stylesheet"] = name
    context["css_files"] = [c for c in sheets if c not in joined]


def untrimmed(site: Path, name: str) -> str:
    """The site's joined stylesheet `name` before trimming: the files its first line names, joined."""
    files = HEADER.match((site / name).read_text(encoding="utf-8")).group(2).split()
    return "\n".join(_stylesheet(site / f, (site / name).parent) for f in files)


def _write_joined_stylesheets(app) -> None:
    """Joined, without the rules no page of the site can use (trim.py): one file every page shares (cached once).
    A joined file no page links any more (its list of stylesheets changed, and with it every page) is removed."""
    outdir = Path(app.outdir)
    if not app.pz_stylesheets:
        return
    words = site_words(outdir)  # every page's words, so also the name of the joined file it links
    for joined in (outdir / STYLESHEETS_DIR).glob("pz-*.css"):
        if joined.stem not in words and joined.name not in {Path(name).name for name in app.pz_stylesheets}:
            joined.unlink()
    for name, files in app.pz_stylesheets.items():
        text = "\n".join(_stylesheet(outdir / f, (outdir / name).parent) for f in files)
        # trimming takes half a second, and most builds (a sentence edited) change neither the join nor any word
        # the stylesheet names: then the file stays as it is
        asked = sorted(words & set(WORD.findall(text)))
        stamp = f"/* pz-trim {hashlib.sha256(' '.join([text, *asked]).encode()).hexdigest()} of: {' '.join(files)} */\n"
        target = outdir / name
        if not target.is_file() or not target.read_text(encoding="utf-8").startswith(stamp):
            target.write_text(stamp + trim_stylesheet(text, words), encoding="utf-8")


# Scripts in <head> block the first paint: every script file is deferred (deferred ones still run in document
# order, after parsing). documentation_options.js must run at once (inline scripts in <head> set
# DOCUMENTATION_OPTIONS), so its few lines are written into the page instead of costing a request of their own,
# rendered from Sphinx's own template through the builder's template loader.
OPTIONS_TEMPLATE = "static/documentation_options.js.jinja"

# Scripts of the book that only some pages need: Jupyter Book links every .js file of _static into every page, so
# each is kept only on pages whose body has its element.
PAGE_SCRIPTS = {"pz-verkenner.js": 'class="pz-verkenner"'}
# Jupyter Book 1 always loads sphinx-thebe. This book has no live code cells, and thebe's inline configuration
# names a CDN host (and comes twice, a console SyntaxError): its scripts and stylesheet stay off every page.
THEBE = ("sphinx-thebe.js", "THEBE_JS_URL", "sphinx-thebe.css")


def _script_name(asset) -> str:
    """An asset's file name without folder or query ('doctools.js'); '' for an inline script."""
    return os.path.basename(str(asset.filename or "")).split("?")[0]


def _thebe(asset) -> bool:
    return _script_name(asset) in THEBE or THEBE[1] in asset.attributes.get("body", "")


def _deferred_scripts(app, pagename, templatename, context, doctree) -> None:
    """The page's scripts, rebuilt through Sphinx's documented per-page route (app.add_js_file during
    html-page-context adds to this page only): page-specific ones where their element is, thebe's nowhere, every
    file deferred, documentation_options.js inline, translations.js early enough (see below)."""
    scripts = context.get("script_files")
    if scripts is None:
        return
    body = context.get("body", "")
    if getattr(app, "pz_options_js", None) is None:
        app.pz_options_js = app.builder.templates.render(OPTIONS_TEMPLATE, app.builder.globalcontext).strip()
    kept = [(s, s.priority) for s in scripts if PAGE_SCRIPTS.get(_script_name(s), "") in body and not _thebe(s)]
    scripts.clear()  # the builder's list for this page, which add_js_file fills again
    for script, priority in _translations_before_highlight(kept):
        # (the list holds site paths, '_static/doctools.js'; add_js_file takes them as registered, 'doctools.js')
        filename = str(script.filename or "").removeprefix("_static/") or None
        if _script_name(script) == "documentation_options.js":
            app.add_js_file(None, priority=priority, body=app.pz_options_js)
        elif filename and not {"defer", "async"} & set(script.attributes):
            app.add_js_file(filename, priority=priority, **{**script.attributes, "defer": "defer"})
        else:
            app.add_js_file(filename, priority=priority, **script.attributes)
    if pagename == "search":
        app.add_js_file(None, body=SEARCH_SNIPPETS_JS)


def _translations_before_highlight(scripts: list[tuple]) -> list[tuple]:
    """A deferred sphinx_highlight.js writes its 'Hide Search Matches' link as soon as it runs: translations.js
    (priority 500, so later) must have loaded the Dutch strings by then. It moves to right after doctools.js
    (which it needs), with doctools' priority: the theme sorts the scripts by priority after this event."""
    names = [_script_name(s) for s, _ in scripts]
    if "translations.js" in names and "doctools.js" in names:
        translations, _ = scripts.pop(names.index("translations.js"))
        doctools = names.index("doctools.js")
        scripts.insert(doctools + 1, (translations, scripts[doctools][1]))
    return scripts


def _booktheme_dutch(app) -> None:
    """sphinx-book-theme 1.3's Dutch catalog lacks the repository buttons' words and renders two as calques
    ("Bronopslagplaats", "Open een probleem"): locale/nl/LC_MESSAGES/booktheme.po (compiled here; Sphinx compiles
    only the 'sphinx' catalog) comes first, the theme's catalog fills the rest. Sphinx 7.4 merges a second catalog
    of one name as a fallback of the first, and the theme registered its own in its setup, so ours is put in front
    of it in sphinx.locale.translators (tests/test_citation.py fails if the theme's words come back)."""
    from sphinx import locale as sphinx_locale
    from sphinx.util.i18n import CatalogInfo

    locale = Path(app.srcdir) / "locale"
    if app.config.language and (locale / app.config.language / "LC_MESSAGES" / "booktheme.po").exists():
        catalog = CatalogInfo(str(locale / app.config.language / "LC_MESSAGES"), "booktheme", "utf-8")
        if catalog.is_outdated():
            catalog.write_mo(app.config.language)
        theme = sphinx_locale.translators.pop(("general", "booktheme"), None)
        app.add_message_catalog("booktheme", str(locale))
        if theme is not None:
            sphinx_locale.translators[("general", "booktheme")].add_fallback(theme)


ISSUE_TEXT = "title=Issue%20on%20page%20%2F{page}.html&body=Your%20issue%20content%20here."
ISSUE_TEXT_NL = "title=Opmerking%20bij%20pagina%20%2F{page}.html&body=Uw%20opmerking%3A"


def _dutch_issue_link(app, pagename, templatename, context, doctree) -> None:
    """The new issue that the header's "Opmerking melden" opens, titled and begun in Dutch (after the theme has
    made its buttons)."""
    def walk(buttons):
        for button in buttons:
            walk(button.get("buttons", []))
            if button.get("label") == "source-issues-button":
                button["url"] = button["url"].replace(ISSUE_TEXT.format(page=pagename), ISSUE_TEXT_NL.format(page=pagename))

    walk(context.get("header_buttons", []))


# Each chapter as an executed notebook (code, execution counts, every output, the glued numbers and figures
# included), as the jupyter-cache in _build/.jupyter_cache holds it after the build: copied into the site as
# notebooks/<chapter>.ipynb and linked under the chapter (_templates/pz-notebook.html).
NOTEBOOKS = "notebooks"


def _notebook_link(app, pagename, templatename, context, doctree) -> None:
    """A chapter being written links its executed notebook, the cache's record for the chapter as it is now
    (copied into the site when the build has finished)."""
    if app.builder.format != "html" or not pagename.startswith("chapters/"):
        return
    from jupyter_cache import get_cache

    try:
        record = get_cache(app.env.mystnb_config.execution_cache_path).get_cached_project_nb(
            str(app.env.doc2path(pagename)))
    except KeyError:  # not a notebook of the cache's project (pzboek/sphinxext/prepare.py adds them all)
        return
    if record is not None:
        app.pz_notebooks[pagename] = record.pk
        context["pz_notebook"] = context["pathto"](f"{NOTEBOOKS}/{Path(pagename).name}.ipynb", 1)


def _copy_notebooks(app) -> None:
    """The executed notebooks of the chapters written in this build into the site (the others are there)."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(app.env.mystnb_config.execution_cache_path)
    target = Path(app.outdir) / NOTEBOOKS
    for pagename, pk in app.pz_notebooks.items():
        target.mkdir(exist_ok=True)
        nbformat.write(cache.get_cache_bundle(pk).nb, str(target / f"{Path(pagename).name}.ipynb"))


CHART_FONT = "_static/fonts/Inter-Regular.woff2"  # _static/pz-fonts.css


def _preload_chart_font(app, pagename, templatename, context, doctree) -> None:
    """A page with a chart asks for the chart font at once, beside its stylesheet, instead of after it: the
    static charts' text is drawn in its final font sooner. Pages without a chart never load the font."""
    if 'class="pz-figuur"' in context.get("body", ""):
        href = context["pathto"](CHART_FONT, 1)
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin="anonymous" />')


# Search result snippets are the text of each found page (Sphinx's Search.htmlToText drops only scripts, styles
# and heading links): without the charts' drawn text (tick labels, "Percentage"), any code cell, and the buttons
# above the article ("Probleem melden" began a snippet). Written into the search page only, before its deferred
# scripts; it wraps Search.htmlToText once these have defined it. (Its words when nothing is found: pz-page.js.)
SEARCH_SNIPPETS_JS = """document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined") return;  // a top-level const of searchtools.js, not a property of window
  const toText = Search.htmlToText;
  Search.htmlToText = (html, anchor) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    page.querySelectorAll(".pz-chart, .cell_input, .bd-header-article").forEach((e) => e.remove());
    return toText(page.documentElement.outerHTML, anchor);
  };
});"""


def _assets_changed(app, env, added, changed, removed) -> list[str]:
    """Sphinx copies static files and html_extra_path (downloads, Vega) only when some page is out of date, so a
    changed asset alone would never reach the site. A changed stylesheet or script changes the checksum every page
    links it with, a changed message catalog (locale/*/LC_MESSAGES/*.po) the interface words of every page, and a
    change of this extension's own code may change any page (Sphinx tracks templates, not extensions): each makes
    every page out of date. Changed downloads only need copying: any page read again will do, so the landing page
    is read again only when no other page is (after a data edit the chapter that shows the figure is).
    Files are compared by size and time, not read: this runs on every build."""
    def fingerprint(folders) -> str:
        digest = hashlib.sha256()
        for folder in folders:
            for path in sorted(p for p in folder.rglob("*") if p.suffix not in (".mo", ".pyc")):
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path.as_posix()} {stat.st_size} {stat.st_mtime_ns}".encode())
        return digest.hexdigest()

    pages = fingerprint([*(Path(app.confdir, f) for f in [*app.config.html_static_path, *app.config.locale_dirs]),
                         Path(__file__).parent])
    copied = fingerprint([Path(app.confdir, f) for f in app.config.html_extra_path])
    before = getattr(env, "pz_assets_digest", None), getattr(env, "pz_extra_digest", None)
    env.pz_assets_digest, env.pz_extra_digest = pages, copied
    if before[0] != pages:
        return sorted(env.found_docs - added - changed)
    read_anyway = added | changed | getattr(app, "pz_read_again", set())
    return [app.config.root_doc] if before[1] != copied and not read_anyway else []


# The Verkenner groups its questions by chapter; their titles come from what Sphinx read (env.titles), handed to
# its page as JSON (_templates/layout.html, pz-hoofdstukken) for pz-verkenner.js, not parsed from Markdown in a kernel.
def _chapter_titles(env) -> dict[str, str]:
    return {doc.rpartition("/")[2]: env.titles[doc].astext() for doc in sorted(env.found_docs)
            if paths.CHAPTER_STEM.match(doc.rpartition("/")[2]) and doc in env.titles}


def _titles_for_the_verkenner(app, pagename, templatename, context, doctree) -> None:
    if PAGE_SCRIPTS["pz-verkenner.js"] in context.get("body", ""):
        context["pz_hoofdstukken"] = _chapter_titles(app.env)


def _titles_changed(app, env) -> list[str]:
    """A changed chapter title rewrites the pages that list it (read again, they would run nothing: their
    results do not depend on it)."""
    titles, before = _chapter_titles(env), getattr(env, "pz_chapter_titles", None)
    env.pz_chapter_titles = titles
    if before is None or before == titles:
        return []
    return [doc for doc in sorted(env.found_docs)
            if any(PAGE_SCRIPTS["pz-verkenner.js"] in raw.astext() for raw in env.get_doctree(doc).findall(nodes.raw))]


def _standin_notice(app, pagename, templatename, context, doctree) -> None:
    """Whether this build's numbers come from the generated stand-in survey file: every page then says so
    (_templates/pz-vervangend.html). The check step read it from the survey file's SPSS label, so the notice
    goes when a real survey file is configured."""
    context["pz_standin"] = app.pz_build_state.get("standin", True)


def _finish(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        _write_joined_stylesheets(app)
        dutch_static_scripts(Path(app.outdir))
        _copy_notebooks(app)


def _theme_filters(app) -> None:
    if hasattr(app.builder, "templates"):
        app.builder.templates.environment.filters["pz_mend"] = mend
    app.pz_stylesheets, app.pz_notebooks = {}, {}


def setup(app) -> None:
    app.connect("builder-inited", _booktheme_dutch)
    app.connect("builder-inited", _theme_filters)
    app.connect("builder-inited", _base_theme_stylesheets)
    app.connect("env-get-outdated", _assets_changed, priority=600)  # after pzboek.sphinxext._outdated
    app.connect("env-updated", _titles_changed)
    # before pydata-sphinx-theme's handler, which drops its own stylesheet from the list (its macro links it)
    app.connect("html-page-context", _one_stylesheet, priority=400)
    for handler in (_deferred_scripts, _preload_chart_font, _notebook_link,
                    _standin_notice, _titles_for_the_verkenner):
        app.connect("html-page-context", handler)
    app.connect("html-page-context", _dutch_issue_link, priority=600)  # after the theme has made its buttons
    # after pydata-sphinx-theme's build-finished handler, which rewrites _static/pygments.css with its light and
    # dark code styles: the join must take that file, not Sphinx's single-style one it replaces
    app.connect("build-finished", _finish, priority=800)
