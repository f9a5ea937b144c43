"""`python -m pzboek.sphinxext.launch build . …`: the `jupyter-book` command, 1.5 s sooner done. `make book` and
`make pdf` start the build this way; a plain `jupyter-book build .` builds the same site.

- It starts without jsonschema's URI grammars (mends.py), which Jupyter Book's import of jsonschema would otherwise
  compile before any extension loads: about 1 s.
- It ends without a last garbage collection of the whole heap (the environment, every doctree, the modules of
  Sphinx, pandas and jupyter-cache): 0.45-0.55 s of every build's exit, measured, for memory the system takes back
  with the process anyway. `gc.freeze()` moves every object out of the collector's sight; what the build wrote
  was closed by then (Sphinx writes with context managers), and exit handlers still run.
"""
import gc

from .mends import without_iri_grammars

without_iri_grammars()
from jupyter_book.cli.main import main  # noqa: E402  (after the line above)

if __name__ == "__main__":
    try:
        main()  # ends with SystemExit, as a click command does
    finally:
        gc.freeze()
