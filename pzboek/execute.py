"""Execute the book's notebooks into the executed-notebook cache that myst-nb reads during the build.

jupyter-cache's own executors start a fresh kernel for every notebook, and each kernel then imports pandas,
Altair and vl-convert and loads and rakes the survey again: most of a cold build. Here one kernel per core
runs its share of the notebooks one after another, with the user namespace cleared between notebooks, so
those imports are paid once per core, not per chapter, and the survey comes prepared by the check step
(`pzboek.data`).
The results are stored exactly as myst-nb stores its own, so Sphinx finds every notebook cached. A notebook
that fails is left out of the cache: the build then executes it again and reports the error where it is.
(The tests still execute every chapter in a kernel of its own, so no chapter can lean on another's state.)
"""
from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_client.manager import AsyncKernelManager
from nbformat.v4 import new_code_cell
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

KERNEL = "python3"
# one kernel per core this process may use (macOS has no sched_getaffinity)
WORKERS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
MYST_NOTEBOOK = {"name": "myst_nb_md", "type": "plugin"}  # how myst-nb reads a MyST .md notebook
# Run as an extra first cell of every notebook (and taken out again): the variables of the notebook before
# go, the imported modules stay. A cell, because nbclient's own messaging must send it.
CLEAN_SLATE = "get_ipython().reset(new_session=False); __import__('os').chdir({cwd!r})"
KERNEL_ARGS = [
    "--HistoryManager.hist_file=:memory:",  # as nbclient starts kernels: two kernels never share a history file
    "--IPKernelApp.exec_lines=import pzboek.book",  # the chapters' imports, done as the kernel starts up
]


def _drop_first_cell(nb) -> None:
    """Take the clean-slate cell out again; the notebook's own cells count from 1, as in a fresh kernel."""
    nb.cells.pop(0)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.execution_count:
            cell.execution_count -= 1
            for output in cell.outputs:
                if output.get("execution_count"):
                    output["execution_count"] -= 1


async def _start_kernel(cwd: str, log) -> AsyncKernelManager:
    km = AsyncKernelManager(kernel_name=KERNEL)
    # the kernels' own messages go to the log: a build's output stays the book's (one line on bad input)
    await km.start_kernel(cwd=cwd, extra_arguments=KERNEL_ARGS, stdout=log, stderr=log)
    return km


async def _ready_client(km: AsyncKernelManager, timeout: int):
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=timeout)
    return kc


async def _run_share(cache, km: AsyncKernelManager, records: list, timeout: int) -> list[str]:
    """Execute these notebooks one after another in one kernel; returns the paths of those that failed."""
    failed = []
    kc = await _ready_client(km, timeout)
    try:
        for record in records:
            nb = cache.get_project_notebook(record.pk).nb
            nb.cells.insert(0, new_code_cell(CLEAN_SLATE.format(cwd=str(Path(record.uri).parent))))
            # record_timing off: cell metadata is part of the key myst-nb looks the notebook up by
            client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=False, record_timing=False)
            client.kc = kc  # not a constructor argument; set, it spares a new client per notebook
            start = time.perf_counter()
            try:
                await client.async_execute()
            except (CellExecutionError, CellTimeoutError):
                failed.append(record.uri)
                # the next notebook gets a fresh kernel (and a client connected to it)
                kc.stop_channels()
                await km.restart_kernel(now=True)
                kc = await _ready_client(km, timeout)
                continue
            _drop_first_cell(nb)
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, record.uri, data={"execution_seconds": time.perf_counter() - start}),
                check_validity=False, overwrite=True)
    finally:
        kc.stop_channels()
    return failed


async def _run_all(cache_dir: Path, notebooks: list[Path], timeout: int, before, log) -> list[str]:
    kernels = []
    try:
        for _ in range(min(WORKERS, len(notebooks))):
            kernels.append(await _start_kernel(str(notebooks[0].parent), log))
        before()  # the kernels start up in their own processes meanwhile
        cache = get_cache(str(cache_dir))
        pks = [cache.add_nb_to_project(str(nb), read_data=MYST_NOTEBOOK).pk for nb in notebooks]
        records = cache.list_unexecuted(filter_pks=pks)
        shares = [records[i::len(kernels)] for i in range(len(kernels))]
        results = await asyncio.gather(*(_run_share(cache, km, share, timeout)
                                         for km, share in zip(kernels, shares) if share))
    finally:
        for km in kernels:
            await km.shutdown_kernel(now=True)
    return [uri for failed in results for uri in failed]


def execute_notebooks(notebooks: list[Path], cache_dir: Path, timeout: int, before=lambda: None) -> list[str]:
    """Run every notebook whose code is not cached yet; returns the paths of those that failed.

    The kernels start first; `before` runs in this process while they start up, and may still clear the
    cache. If it raises, the kernels are shut down and no notebook runs. The kernel processes' own output
    goes to kernels.log beside the cache (the last run's).
    """
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(cache_dir.parent / "kernels.log", "w", encoding="utf-8") as log:
        failed = asyncio.run(_run_all(cache_dir, notebooks, timeout, before, log))
    for uri in failed:
        print(f"warning: {uri} failed to execute; the build will run it again and show the error",
              file=sys.stderr)
    return failed
