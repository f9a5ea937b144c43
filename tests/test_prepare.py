"""The build's check step (pzboek/sphinxext/prepare.py): executed notebooks are dropped whenever an input of the
numbers changes and only then; bad input stops the build with one line before any notebook runs."""
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from pzboek import paths
from pzboek.sphinxext import inputs, prepare
from bench.run import DATA_EDITS, edit_row


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """prepare() on a copy of the book's inputs, with its own _build; the check, execution and assets stubbed."""
    book = tmp_path / "book"
    shutil.copytree(paths.ROOT, book, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "bench", "tests"))
    monkeypatch.setattr(inputs, "ROOT", book)
    # what prepare() sets in this process's environment is undone after each test
    for name in ("PZ_SURVEY", prepare.LOCK_HELD, "PZBOEK_PREPARED_SURVEY"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    build = book / "_build"
    for name, path in {"BUILD": build, "STAMP": build / ".inputs-digest", "ASSETS": build / ".assets",
                       "PREPARED": build / ".prepared-survey.pickle"}.items():
        monkeypatch.setattr(prepare, name, path)
    runs = []

    def check():
        prepare.PREPARED.write_bytes(b"survey")
        return SimpleNamespace(standin=True)
    monkeypatch.setattr(prepare, "check_inputs", check)
    def assets(survey):
        (prepare.ASSETS / prepare.VEGA_BUNDLE).parent.mkdir(parents=True, exist_ok=True)
        (prepare.ASSETS / prepare.VEGA_BUNDLE).write_text("vega")
    monkeypatch.setattr(prepare, "write_assets", assets)

    class Executor:  # a jupyter-cache executor that records what it was asked to run
        def __init__(self, cache):
            pass

        def run_and_cache(self, *, filter_uris, timeout, while_kernels_start, notebooks_to_run):
            while_kernels_start()
            runs.append(notebooks_to_run)
    monkeypatch.setattr("jupyter_cache.executors.load_executor", lambda name, cache: Executor(cache))
    cache = build / ".jupyter_cache"

    def run():
        state = prepare.prepare(cache, "pzboek-shared-kernels", 60)
        (cache / "marker").parent.mkdir(parents=True, exist_ok=True)
        return state
    run()
    (cache / "marker").write_text("from the last build")
    return book, runs, run, cache


def test_nothing_changed_keeps_the_cache_and_runs_nothing(sandbox):
    book, runs, run, cache = sandbox
    state = run()
    assert (cache / "marker").exists() and runs == [len(prepare.book_notebooks())]
    assert state == {"digest": inputs.digest("results"), "standin": True,
                     "notebooks": inputs.notebook_digests(prepare.book_notebooks())}


@pytest.mark.parametrize("name", ["data/participatiezekerheid_2019.sav", "data/codebook.yml", "data/margins.yml",
                                  "data/vergelijkingen.csv", "pzboek/estimates.py",
                                  "requirements.txt", "_static/fonts/Inter-Regular.otf"])
def test_changed_input_of_the_results_clears_the_cache(sandbox, name):
    book, runs, run, cache = sandbox
    with open(book / name, "ab") as handle:
        handle.write(b"\n")
    run()
    assert not (cache / "marker").exists() and len(runs) == 2


@pytest.mark.parametrize("edit, stale", [
    # a figure's note: the one chapter that shows it
    ("caption", ["03_overvraagde_overheid"]),
    # the name figure 3 gives one of chapter 3's bars: chapter 3 alone (not the pages that count or mark every row,
    # which do not read that column; nor the landing page, which computes chapters 1 and 6)
    ("rows", ["03_overvraagde_overheid"]),
    # the report's words for that value: chapter 3, and the pages that count or mark every row
    (("data/published_figures.csv", "sleutel", "fig3_huisvesting", "in_tekst", "huisvesting"),
     ["03_overvraagde_overheid", "codeboek", "verantwoording", "verkenner"]),
    # a row of chapter 1, whose numbers the landing page shows too
    (("data/published_figures.csv", "sleutel", "n_respondenten", "in_tekst", "1004"),
     ["01_vooraf", "codeboek", "index", "verantwoording", "verkenner"]),
])
def test_an_edited_row_reruns_only_the_pages_that_use_it(sandbox, edit, stale):
    """The author edits `make bench` times (bench/run.py, DATA_EDITS)."""
    book, runs, run, cache = sandbox
    before = prepare.BuildState.load()["notebooks"]
    table, *row = DATA_EDITS.get(edit, edit)
    edit_row(book / table, *row)
    after = run()["notebooks"]
    assert sorted(Path(nb).stem for nb in after if after[nb] != before[nb]) == stale
    assert runs[-1] == len(stale) and (cache / "marker").exists()  # the others' results are kept


def test_changed_chapter_title_keeps_the_cache(sandbox):
    """The Verkenner lists the questions under their chapters' titles, but takes them from Sphinx when its page is
    written (pages.py), so a new title runs no notebook."""
    book, runs, run, cache = sandbox
    chapter = book / "chapters" / "05_financieren.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("# Hoe gaan", "# Nieuw: hoe gaan", 1), encoding="utf-8")
    run()
    assert (cache / "marker").exists() and len(runs) == 1


@pytest.mark.parametrize("name", ["pzboek/sphinxext/pages.py", "pzboek/sphinxext/prepare.py", "tools/standin.py",
                                  "_templates/layout.html", "chapters/01_vooraf.md", "_static/pz.css"])
def test_edits_that_do_not_change_results_keep_the_cache(sandbox, name):
    book, runs, run, cache = sandbox
    with open(book / name, "a") as handle:
        handle.write("\n")
    run()
    assert (cache / "marker").exists() and len(runs) == 1


def test_other_survey_file_clears_the_cache(sandbox, tmp_path, monkeypatch):
    book, runs, run, cache = sandbox
    other = tmp_path / "echt.sav"
    shutil.copy(book / "data" / "participatiezekerheid_2019.sav", other)
    monkeypatch.setenv("PZ_SURVEY", str(other))
    run()
    assert not (cache / "marker").exists()


def test_missing_assets_are_written_again_without_clearing_the_cache(sandbox):
    book, runs, run, cache = sandbox
    shutil.rmtree(prepare.ASSETS)
    run()
    assert prepare.ASSETS.exists() and (cache / "marker").exists() and len(runs) == 1


def test_bad_inputs_stop_before_any_notebook_and_keep_the_cache(sandbox, monkeypatch, capsys):
    book, runs, run, cache = sandbox
    from pzboek.survey import SurveyError

    def bad():
        raise SurveyError(f"{book / 'data' / 'participatiezekerheid_2019.sav'}: variable 'opleiding' has value 7")
    monkeypatch.setattr(prepare, "check_inputs", bad)
    with open(book / "data" / "codebook.yml", "a") as handle:
        handle.write("\n")
    with pytest.raises(SystemExit) as stopped:
        run()
    assert stopped.value.code == 1
    assert capsys.readouterr().err.count("\n") == 1  # one line
    assert len(runs) == 1 and (cache / "marker").exists()


def test_the_kernels_get_the_checked_survey(sandbox, monkeypatch):
    book, runs, run, cache = sandbox
    monkeypatch.delenv("PZBOEK_PREPARED_SURVEY", raising=False)
    run()
    import os
    assert os.environ["PZBOEK_PREPARED_SURVEY"] == str(prepare.PREPARED)


def _shown(page: Path, monkeypatch) -> list[str]:
    """What a page's code cells show, run in this process: each glued value and each cell's last expression."""
    import ast

    import myst_nb
    from myst_nb.core.read import read_myst_markdown_notebook

    shown = []

    def show(value):
        shown.append(value._repr_html_() if hasattr(value, "_repr_html_") else getattr(value, "data", repr(value)))
    import pzboek.book

    for module in (myst_nb, pzboek.book):  # the cells' `from myst_nb import glue`, and the chapters' helper's
        monkeypatch.setattr(module, "glue", lambda key, value, display=True: show(value))
    namespace = {}
    for cell in read_myst_markdown_notebook(page.read_text(encoding="utf-8")).cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, str(page), "exec"), namespace)
            if last is not None and (value := eval(compile(ast.Expression(last.value), str(page), "eval"), namespace)) is not None:
                show(value)
    return shown


@pytest.mark.slow
def test_the_pages_that_use_every_row_do_not_read_what_only_a_figure_shows(monkeypatch):
    """notebook_digests leaves inputs.FIGURE_ONLY out of the digest of the pages that count or mark every row, so
    an edit there re-executes none of them: each of those pages shows the same with every such cell changed."""
    from pzboek import provenance, published

    every_row = [nb for nb in prepare.book_notebooks() if not inputs.COMPUTED.search(nb.read_text(encoding="utf-8"))]
    assert sorted(nb.stem for nb in every_row) == ["codeboek", "verantwoording", "verkenner"]
    chapter = paths.ROOT / "chapters" / "03_overvraagde_overheid.md"
    pages = [*every_row, chapter]
    before = [_shown(page, monkeypatch) for page in pages]
    read = published._read

    def renamed(path, columns):
        table = read(path, columns)
        for column in set(inputs.FIGURE_ONLY) & set(table.columns):
            table[column] = "Anders genoemd"
        return table
    monkeypatch.setattr(published, "_read", renamed)
    for cached in (published.load_published, provenance._published_levels):
        cached.cache_clear()
    try:
        after = [_shown(page, monkeypatch) for page in pages]
    finally:
        monkeypatch.undo()
        published.load_published.cache_clear()
        provenance._published_levels.cache_clear()
    assert all(before) and after[:-1] == before[:-1]
    assert after[-1] != before[-1]  # (the change reaches a page that shows it)
