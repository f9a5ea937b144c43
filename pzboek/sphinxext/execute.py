"""A jupyter-cache executor that runs the book's notebooks in one warm kernel per core (entry point
`pzboek-shared-kernels` in group `jcache.executors`, pyproject.toml).

jupyter-cache's own executors ('local-parallel') start a fresh kernel for every notebook, and each kernel then
imports pandas, Altair and vl-convert again. Here one kernel per core runs its share of the notebooks one after
another, with the user namespace cleared between notebooks, so those imports are paid once per core. Which of
the two the build uses is the Sphinx setting `pz_executor` in _config.yml ($PZBOEK_EXECUTOR overrides it), chosen
by measurement (docs/benchmark.md).
Results are cached as jupyter-cache's own executors cache them, so myst-nb finds every notebook executed. A
notebook that fails is reported as excepted and left out of the cache: the build executes it again and shows
the error where it is. (The tests still execute every chapter in a kernel of its own.)
"""
from __future__ import annotations

import asyncio
import os
import time
import traceback
from pathlib import Path

from jupyter_cache.base import CacheBundleIn
from jupyter_cache.cache.db import NbProjectRecord
from jupyter_cache.executors.base import ExecutorRunResult, JupyterExecutorAbstract
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbformat.v4 import new_code_cell

from . import kernels

# Run as an extra first cell of every notebook (and taken out again): the variables of the notebook before
# go, the imported modules stay. A cell, because nbclient's own messaging must send it.
CLEAN_SLATE = "get_ipython().reset(new_session=False); __import__('os').chdir({cwd!r})"


def _drop_first_cell(nb) -> None:
    """Take the clean-slate cell out again; the notebook's own cells count from 1, as in a fresh kernel."""
    nb.cells.pop(0)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.execution_count:
            cell.execution_count -= 1
            for output in cell.outputs:
                if output.get("execution_count"):
                    output["execution_count"] -= 1


class SharedKernelExecutor(JupyterExecutorAbstract):
    """jupyter-cache's executor interface over shared kernels: `run_and_cache` as for any jcache executor, with
    two arguments of its own: `while_kernels_start`, a function run while the kernels start up (the build checks
    its inputs then), before the notebooks to run are looked up (if it raises, no notebook runs); and
    `notebooks_to_run`, how many the caller expects, which caps the number of kernels."""

    def run_and_cache(self, *, filter_uris=None, filter_pks=None, timeout=30, allow_errors=False, force=False,
                      while_kernels_start=None, notebooks_to_run=None, **kwargs) -> ExecutorRunResult:
        log = Path(self.cache.path).parent / "kernels.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        # the kernels' own output: the last run's (begun by the kernels started early, if any)
        with open(log, "a" if kernels.STARTED_EARLY else "w", encoding="utf-8") as handle:
            return asyncio.run(self._run(filter_uris, filter_pks, timeout, allow_errors, force,
                                         while_kernels_start, handle, notebooks_to_run))

    async def _run(self, filter_uris, filter_pks, timeout, allow_errors, force, while_kernels_start, log, expected):
        cwd = str(Path(filter_uris[0]).parent) if filter_uris else os.getcwd()
        started = []
        try:
            # (`notebooks_to_run`: how many the caller expects to run, so that one edited chapter starts one kernel)
            for _ in range(max(1, min(kernels.workers(), expected or kernels.workers()))):
                # the kernels' messages go to the log: a build's output stays the book's
                started.append(kernels.STARTED_EARLY.pop(0) if kernels.STARTED_EARLY else await kernels.start(cwd, log))
            if while_kernels_start:
                while_kernels_start()
            records = self.get_records(filter_uris, filter_pks, clear_tracebacks=True, force=force)
            result = ExecutorRunResult()
            shares = [records[i::len(started)] for i in range(len(started))]
            await asyncio.gather(*(self._run_share(km, share, timeout, allow_errors, log, result)
                                   for km, share in zip(started, shares) if share))
            return result
        finally:
            for km in started:
                if km.has_kernel:
                    await km.shutdown_kernel(now=True)

    async def _run_share(self, km, records, timeout, allow_errors, log, result) -> None:
        """These notebooks one after another in one kernel; after a failure the next gets a fresh kernel."""
        client = NotebookClient(None, km=km, timeout=timeout, allow_errors=allow_errors,
                                record_timing=False)  # timings would change the cache key
        try:
            for record in records:
                nb = self.cache.get_project_notebook(record.pk).nb
                nb.cells.insert(0, new_code_cell(CLEAN_SLATE.format(cwd=str(Path(record.uri).parent))))
                client.nb = nb
                start = time.perf_counter()
                try:
                    await client.async_execute()
                except (CellExecutionError, CellTimeoutError):
                    NbProjectRecord.set_traceback(record.uri, traceback.format_exc(), self.cache.db)
                    result.excepted.append(record.uri)
                    client.kc.stop_channels()
                    await km.restart_kernel(now=True)
                    client = NotebookClient(None, km=km, timeout=timeout, allow_errors=allow_errors,
                                            record_timing=False)
                    continue
                _drop_first_cell(nb)
                self.cache.cache_notebook_bundle(
                    CacheBundleIn(nb, record.uri, data={"execution_seconds": time.perf_counter() - start}),
                    check_validity=False, overwrite=True)
                result.succeeded.append(record.uri)
        finally:
            if client.kc is not None:
                client.kc.stop_channels()
