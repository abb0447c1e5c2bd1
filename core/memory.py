"""Allocator settings for a one-shot command-line run: freed memory is kept for reuse, not handed back.

Scoring a big roadmap allocates and frees hundreds of large arrays. By default glibc returns freed
memory above 128 KB to the kernel at once and Arrow's allocator (mimalloc) does so after 10 ms, and NumPy
asks for transparent huge pages; every new array then faults in fresh pages. Where a page fault is dear
(a virtual machine that hands free guest memory back to its host) that paging, not the arithmetic, made
a million-row file cost twice per row what a 100,000-row file costs. A process that exits in seconds loses
nothing by keeping what it freed. Only `python -m core` calls this; the app's long-lived server does not.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

import numpy as np
import pyarrow as pa

# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# glibc caps the mmap threshold at 32 MB on 64-bit systems; blocks below it are reused from the heap.
_MMAP_THRESHOLD = 32 * 1024 * 1024
_TRIM_THRESHOLD = 2**31 - 1


def keep_freed_memory() -> None:
    """Keep freed memory in the process for the rest of the run (best effort: a libc without mallopt,
    or a NumPy without the switch, keeps its defaults)."""
    pa.set_memory_pool(pa.system_memory_pool())  # one allocator, tuned below, for Arrow and NumPy alike
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "mallopt"):
            libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
            libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    except OSError:
        logging.getLogger(__name__).debug("mallopt unavailable", exc_info=True)
    # Private but long-standing (NumPy >= 1.20): the switch NUMPY_MADVISE_HUGEPAGE sets at import.
    madvise = getattr(getattr(getattr(np, "_core", None), "multiarray", None), "_set_madvise_hugepage", None)
    if madvise is not None:
        madvise(False)
