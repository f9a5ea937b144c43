"""The shared-kernel executor, through jupyter-cache's executor interface: shared kernels, clean namespaces,
failures left to the build."""
from pathlib import Path

import pytest
from jupyter_cache import get_cache
from jupyter_cache.executors import list_executors, load_executor

from pzboek.sphinxext import execute, kernels

NOTEBOOK = """\
---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {title}

```{{code-cell}} ipython3
{code}
```
"""


def write(folder: Path, name: str, code: str) -> Path:
    path = folder / f"{name}.md"
    path.write_text(NOTEBOOK.format(title=name, code=code), encoding="utf-8")
    return path


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
def test_one_kernel_runs_notebooks_in_turn_with_clean_namespaces(tmp_path, monkeypatch):
    assert "pzboek-shared-kernels" in list_executors()  # registered in pyproject.toml
    monkeypatch.setattr(kernels, "workers", lambda: 1)
    first = write(tmp_path, "eerste", "x = 41\nprint(x + 1)")
    second = write(tmp_path, "tweede", "print('x' in dir())\nimport os\nprint(os.getcwd())")
    broken = write(tmp_path, "kapot", "raise ValueError('kapot')")
    after = write(tmp_path, "daarna", "print('na de fout')")
    # the chapters' imports done as the kernel started, without jsonschema's costly optional rfc3987-syntax
    modules = write(tmp_path, "modules", "import sys\nprint('pzboek.book' in sys.modules, sys.modules['rfc3987_syntax'])")
    cache = get_cache(str(tmp_path / "cache"))
    pks = [cache.add_nb_to_project(str(p), read_data={"name": "myst_nb_md", "type": "plugin"}).pk
           for p in (first, second, broken, after, modules)]
    result = load_executor("pzboek-shared-kernels", cache).run_and_cache(filter_pks=pks, timeout=60)

    assert result.excepted == [str(broken)] and sorted(result.succeeded) == sorted(map(str, (first, second, after, modules)))
    outputs = {}
    for path in (first, second, after, modules):
        record = cache.match_cache_notebook(cache.get_project_notebook(str(path)).nb)
        nb = cache.get_cache_bundle(record.pk).nb
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert len(code) == 1 and code[0].execution_count == 1, path  # the clean-slate cell is gone
        outputs[path.stem] = "".join(o.get("text", "") for o in code[0].outputs)
    assert outputs["eerste"] == "42\n"
    assert outputs["tweede"] == f"False\n{tmp_path}\n"  # the first notebook's x is gone
    assert outputs["daarna"] == "na de fout\n"  # a fresh kernel after the failure
    assert outputs["modules"] == "True None\n"  # (and so after a restart)
    assert [r.uri for r in cache.list_unexecuted()] == [str(broken)]  # for the build to run and report
    assert "kapot" in cache.get_project_record(str(broken)).traceback


def test_the_executor_is_a_declared_setting_with_an_environment_override(monkeypatch):
    """`pz_executor` in _config.yml names a registered jupyter-cache executor; $PZBOEK_EXECUTOR overrides it."""
    from types import SimpleNamespace

    import yaml

    from pzboek import paths
    from pzboek.sphinxext import _executor_override, prepare

    configured = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    assert configured[prepare.EXECUTOR_SETTING] == prepare.DEFAULT_EXECUTOR in list_executors()
    config = {prepare.EXECUTOR_SETTING: prepare.DEFAULT_EXECUTOR}
    monkeypatch.delenv(prepare.EXECUTOR_OVERRIDE, raising=False)
    _executor_override(SimpleNamespace(), config)
    assert config[prepare.EXECUTOR_SETTING] == prepare.DEFAULT_EXECUTOR
    monkeypatch.setenv(prepare.EXECUTOR_OVERRIDE, "local-parallel")
    _executor_override(SimpleNamespace(), config)
    assert config[prepare.EXECUTOR_SETTING] == "local-parallel"


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
def test_kernels_started_early_are_adopted_and_the_rest_shut_down(tmp_path, monkeypatch):
    """launch.py starts the kernels before Sphinx loads (prepare.start_kernels_early): the run takes those instead of
    starting its own, and any it does not take are shut down when the build ends."""
    monkeypatch.setattr(kernels, "workers", lambda: 1)
    assert kernels.STARTED_EARLY == []
    kernels.start_early(2, str(tmp_path), tmp_path / "kernels.log")
    first, second = kernels.STARTED_EARLY
    pid = write(tmp_path, "pid", "import os, sys\nprint(os.getpid(), 'pzboek.charts' in sys.modules)")
    cache = get_cache(str(tmp_path / "cache"))
    pk = cache.add_nb_to_project(str(pid), read_data={"name": "myst_nb_md", "type": "plugin"}).pk
    result = load_executor("pzboek-shared-kernels", cache).run_and_cache(filter_pks=[pk], timeout=60)
    assert result.succeeded == [str(pid)] and kernels.STARTED_EARLY == [second]
    nb = cache.get_cache_bundle(cache.match_cache_notebook(cache.get_project_notebook(str(pid)).nb).pk).nb
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert printed == f"{first.provisioner.pid} True\n"  # the early kernel, with the chapters' imports done
    assert not first.has_kernel and second.has_kernel  # (the run shut its kernel down)
    kernels._shut_down_unadopted()
    assert not second.has_kernel
    kernels.STARTED_EARLY.clear()


def test_no_kernels_start_early_for_another_executor(tmp_path, monkeypatch):
    """The launcher reads `pz_executor` as Sphinx will (one line of _config.yml, $PZBOEK_EXECUTOR over it): with
    jupyter-cache's own executor, which starts kernels of its own, it starts none early."""
    import yaml

    from pzboek import paths
    from pzboek.sphinxext import prepare

    configured = yaml.safe_load(paths.CONFIG.read_text(encoding="utf-8"))["sphinx"]["config"][prepare.EXECUTOR_SETTING]
    assert paths.setting_in_config(prepare.EXECUTOR_SETTING) == configured
    started = []
    monkeypatch.setattr(kernels, "start_early", lambda *args: started.append(args))
    monkeypatch.setattr(prepare, "build_lock", lambda: pytest.fail("took the build lock"))
    monkeypatch.delenv(prepare.EXECUTOR_OVERRIDE, raising=False)
    config = tmp_path / "_config.yml"
    config.write_text("sphinx:\n  config:\n    pz_executor: local-parallel  # jupyter-cache's\n", encoding="utf-8")
    monkeypatch.setattr(paths, "CONFIG", config)
    prepare.start_kernels_early()
    monkeypatch.setattr(paths, "CONFIG", paths.ROOT / "_config.yml")
    monkeypatch.setenv(prepare.EXECUTOR_OVERRIDE, "local-parallel")
    prepare.start_kernels_early()
    assert started == []
