"""The mends where no hook reaches (pzboek/sphinxext/mends.py) still match upstream: when an upstream release drops
or changes the text a mend replaces, this fails, naming the package, so the mend is lifted or rewritten."""
import json
import subprocess
import sys
import sysconfig
from importlib.metadata import version
from pathlib import Path

import pytest

from pzboek.sphinxext.mends import MARKUP, STATIC_SCRIPTS, mend

SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])


@pytest.mark.parametrize("fix", [*MARKUP, *STATIC_SCRIPTS], ids=lambda f: f"{f.package}:{Path(f.path).name}")
def test_upstream_still_has_what_a_mend_replaces(fix):
    text = (SITE_PACKAGES / fix.path).read_text(encoding="utf-8")
    assert (fix.source or fix.wrong) in text, (
        f"{fix.package} {version(fix.package)} (mend written for {fix.version}) no longer has this text in {fix.path}: "
        "lift or rewrite the mend")


def test_a_mend_changes_only_its_own_text():
    page = 'x <nav aria-label="Page"> y aria-label="Main" z'
    assert mend(page) == 'x <nav aria-label="Pagina"> y aria-label="Hoofdmenu" z'
    assert mend('aria-label="Mainly"') == 'aria-label="Mainly"'


def _formats(schema) -> set[str]:
    """Every "format" a JSON schema names, at any depth."""
    if isinstance(schema, list):
        return {f for v in schema for f in _formats(v)}
    if not isinstance(schema, dict):
        return set()
    own = {schema["format"]} if isinstance(schema.get("format"), str) else set()
    return own | {f for v in schema.values() for f in _formats(v)}


def test_no_schema_of_the_build_checks_the_formats_left_without_grammars():
    """without_iri_grammars drops jsonschema's check of "iri" and "iri-reference": right only while no schema the
    build validates against names them (Jupyter Book's _config.yml schema, nbformat's, Altair's Vega-Lite)."""
    schemas = [SITE_PACKAGES / "jupyter_book/config_schema.json",
               *(SITE_PACKAGES / "nbformat/v4").glob("nbformat.v4*.schema.json"),
               *(SITE_PACKAGES / "altair/vegalite").glob("v*/schema/vega-lite-schema.json")]
    assert len(schemas) >= 3, schemas
    used = {f for path in schemas for f in _formats(json.loads(path.read_text(encoding="utf-8")))}
    assert "uri" in used  # (the walk finds formats)
    assert not used & {"iri", "iri-reference"}, used


def test_the_build_starts_without_the_grammars():
    seen = ("import atexit, sys; atexit.register(lambda: print(sys.modules['rfc3987_syntax'], "
            "'jupyter_book.cli.main' in sys.modules, 'jsonschema' in sys.modules)); "
            "sys.argv = ['jupyter-book', '--version']; from pzboek.sphinxext.launch import launch; launch()")
    started = subprocess.run([sys.executable, "-c", seen], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split()[-3:] == ["None", "True", "True"], started.stdout
