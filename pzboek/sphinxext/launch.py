"""`python -m pzboek.sphinxext.launch build . …`: the `jupyter-book` command, sooner done (a prose edit 1.5 s, a data
edit 2 s, measured). `make book` and `make pdf` start the build this way; a plain `jupyter-book build .` builds the
same site.

- When notebooks will run, their kernels start first (prepare.start_kernels_early), so that they import pandas,
  Altair and the book's package while Jupyter Book and Sphinx load: about 1 s of every data edit.
- It starts without jsonschema's URI grammars (mends.py), which Jupyter Book's import of jsonschema would otherwise
  compile before any extension loads: about 1 s.
- It ends without a last garbage collection of the whole heap (the environment, every doctree, the modules of
  Sphinx, pandas and jupyter-cache): 0.45-0.55 s of every build's exit, measured, for memory the system takes back
  with the process anyway. `gc.freeze()` moves every object out of the collector's sight; what the build wrote
  was closed by then (Sphinx writes with context managers), and exit handlers still run.
"""
import gc
import sys

from .mends import without_iri_grammars


def launch() -> None:
    without_iri_grammars()
    if sys.argv[1:2] == ["build"] and not {"--builder", "--help"} & set(sys.argv):
        from .prepare import start_kernels_early

        start_kernels_early()
    from jupyter_book.cli.main import main

    try:
        main()  # ends with SystemExit, as a click command does
    finally:
        gc.freeze()


if __name__ == "__main__":
    launch()
