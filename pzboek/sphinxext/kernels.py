"""How the book's notebook kernels start: as the shared-kernel executor (execute.py) starts them, or, when a build
will run notebooks, before Jupyter Book and Sphinx load (prepare.start_kernels_early, from launch.py), so that they
import while Sphinx does. Apart from execute.py so that the early start imports no more than jupyter_client: the
executor's own imports (jupyter-cache, nbclient, nbformat) come after the kernels have started."""
from __future__ import annotations

import asyncio
import atexit
import os
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

KERNEL = "python3"
KERNEL_ARGS = [
    "--HistoryManager.hist_file=:memory:",  # as nbclient starts kernels: two kernels never share a history file
    # The chapters' imports, done as the kernel starts up, without jsonschema's URI grammars (mends.py): measured,
    # `import altair, pzboek.book` 2.7 s, 1.0 s without them. Then what every chapter's first cells would do
    # once: import scipy's special functions (0.25 s) and start vl-convert's JavaScript engine (0.35 s).
    "--IPKernelApp.exec_lines=from pzboek.sphinxext.mends import without_iri_grammars; without_iri_grammars(); "
    "import altair, pzboek.book, scipy.special; pzboek.charts.start_renderer()",
]


# Kernels started before Sphinx loaded (prepare.start_kernels_early, from launch.py), so that they import while it
# loads: the next run adopts them instead of starting its own; any left over are shut down at exit.
STARTED_EARLY: list[AsyncKernelManager] = []


async def start(cwd: str, log) -> AsyncKernelManager:
    """A kernel for the book's notebooks, started (its imports run on while this returns); its output goes to log."""
    kernel = AsyncKernelManager(kernel_name=KERNEL)
    await kernel.start_kernel(cwd=cwd, extra_arguments=KERNEL_ARGS, stdout=log, stderr=log)
    return kernel


def start_early(count: int, cwd: str, log_file: Path) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_file, "w", encoding="utf-8")  # noqa: SIM115  (the kernels write to it for as long as they run)

    async def start_all():
        for _ in range(count):
            STARTED_EARLY.append(await start(cwd, log))
    asyncio.run(start_all())
    atexit.register(_shut_down_unadopted)


def _shut_down_unadopted() -> None:
    async def shut_down():
        await asyncio.gather(*(km.shutdown_kernel(now=True) for km in STARTED_EARLY if km.has_kernel))
    if STARTED_EARLY:
        asyncio.run(shut_down())


def workers() -> int:
    """One kernel per core this process may use (macOS has no sched_getaffinity)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
