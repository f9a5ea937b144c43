"""A jupyter-cache executor that runs the book's notebooks in one warm kernel per core (entry point
`pzboek-shared-kernels` in group `jcache.executors`, pyproject.toml).

jupyter-cache's own executors ('local-parallel') start a fresh kernel for every notebook, and each kernel then
imports pandas, Altair and vl-convert again. Here one kernel per core runs its share of the notebooks one after
another, with the user namespace cleared between notebooks, so those imports are paid once per core. Which of
the two the build uses is `pz_executor` in _config.yml, chosen by measurement (README, "Build").
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
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbformat.v4 import new_code_cell

KERNEL = "python3"
# Run as an extra first cell of every notebook (and taken out again): the variables of the notebook before
# go, the imported modules stay. A cell, because nbclient's own messaging must send it.
CLEAN_SLATE = "get_ipython().reset(new_session=False); __import__('os').chdir({cwd!r})"
KERNEL_ARGS = [
    "--HistoryManager.hist_file=:memory:",  # as nbclient starts kernels: two kernels never share a history file
    "--IPKernelApp.exec_lines=import pzboek.book",  # the chapters' imports, done as the kernel starts up
]


def workers() -> int:
    """One kernel per core this process may use (macOS has no sched_getaffinity)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


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
    """jupyter-cache's executor interface over shared kernels; `run_and_cache` as for any jcache executor."""

    def run_and_cache(self, *, filter_uris=None, filter_pks=None, timeout=30, allow_errors=False, force=False,
                      **kwargs) -> ExecutorRunResult:
        records = self.get_records(filter_uris, filter_pks, clear_tracebacks=True, force=force)
        result = ExecutorRunResult()
        if records:
            log = Path(self.cache.path).parent / "kernels.log"
            with open(log, "w", encoding="utf-8") as handle:  # the kernels' own output: the last run's
                asyncio.run(self._run(records, timeout, allow_errors, handle, result))
        return result

    async def _run(self, records, timeout, allow_errors, log, result) -> None:
        shares = [records[i::workers()] for i in range(min(workers(), len(records)))]
        await asyncio.gather(*(self._run_share(share, timeout, allow_errors, log, result) for share in shares))

    async def _run_share(self, records, timeout, allow_errors, log, result) -> None:
        """These notebooks one after another in one kernel; after a failure the next gets a fresh kernel."""
        km = client = None
        try:
            for record in records:
                if km is None:
                    km = AsyncKernelManager(kernel_name=KERNEL)
                    # the kernels' messages go to the log: a build's output stays the book's
                    await km.start_kernel(cwd=str(Path(record.uri).parent), extra_arguments=KERNEL_ARGS,
                                          stdout=log, stderr=log)
                    client = NotebookClient(None, km=km, timeout=timeout, allow_errors=allow_errors,
                                            record_timing=False)  # timings would change the cache key
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
                    await km.shutdown_kernel(now=True)
                    km = None
                    continue
                _drop_first_cell(nb)
                self.cache.cache_notebook_bundle(
                    CacheBundleIn(nb, record.uri, data={"execution_seconds": time.perf_counter() - start}),
                    check_validity=False, overwrite=True)
                result.succeeded.append(record.uri)
        finally:
            if km is not None:
                if client.kc is not None:
                    client.kc.stop_channels()
                await km.shutdown_kernel(now=True)
