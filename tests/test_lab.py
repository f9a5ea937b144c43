"""`make lab`: the package is installed into the environment (no PYTHONPATH needed) and a chapter opens and runs
as a notebook through jupytext."""
import os
import subprocess
import sys

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from pzboek import paths

CHAPTER = paths.ROOT / "chapters" / "01_vooraf.md"


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
def test_pzboek_is_importable_from_any_folder_without_pythonpath(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", "import pzboek, sys; print(pzboek.__file__)"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(paths.ROOT / "pzboek" / "__init__.py")


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
def test_a_chapter_runs_as_a_notebook_without_pythonpath(tmp_path, monkeypatch):
    notebook = jupytext.read(CHAPTER)
    assert notebook.metadata["jupytext"]["text_representation"]["format_name"] == "myst"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert 'Hoofdstuk("01_vooraf")' in code[0].source
    notebook.cells = [code[0], nbformat.v4.new_code_cell("import pzboek; print(pzboek.__file__)")]
    monkeypatch.delenv("PYTHONPATH", raising=False)  # the kernel inherits this environment
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(output.get("text", "") for output in notebook.cells[1].outputs)
    assert printed.strip() == str(paths.ROOT / "pzboek" / "__init__.py")


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
def test_jupytext_writes_a_chapter_as_an_ipynb(tmp_path):
    target = tmp_path / "01_vooraf.ipynb"
    jupytext_cli = os.path.join(os.path.dirname(sys.executable), "jupytext")
    subprocess.run([jupytext_cli, "--to", "notebook", "--output", str(target), str(CHAPTER)], check=True,
                   capture_output=True, timeout=60)
    written = nbformat.read(target, as_version=4)
    assert [c.source for c in written.cells if c.cell_type == "code"] == \
        [c.source for c in jupytext.read(CHAPTER).cells if c.cell_type == "code"]


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
def test_jupyter_server_contents_manager_serves_a_chapter_as_a_notebook():
    """What JupyterLab asks for when it opens a chapter as a notebook: jupytext's contents manager (enabled as
    a server extension by the jupytext package) returns the Markdown file as a notebook."""
    from jupytext import TextFileContentsManager

    model = TextFileContentsManager(root_dir=str(paths.ROOT)).get("chapters/01_vooraf.md", type="notebook")
    assert model["type"] == "notebook"
    assert any('Hoofdstuk("01_vooraf")' in cell["source"] for cell in model["content"]["cells"] if cell["cell_type"] == "code")
