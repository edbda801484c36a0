"""Keep the memory a run frees inside the process (glibc's allocator on Linux).

A check of a long document allocates and frees several times its size in temporaries (matching
forms, hash arrays, slices).  By default glibc gives freed memory at the top of its heap back to
the system as soon as 128 KB are free there, and serves every block of 128 KB or more through its
own mapping, unmapped when freed; each page taken again costs a page fault.  A 10 MB Chinese
document took 45,000 of them, a tenth of the run's time.  Keeping freed memory for reuse and
growing the heap in larger steps brings that to 16,000 (check 0.66 -> 0.59 s); the resident size
stays at its high-water mark until the process ends, which is the peak it reached anyway.
"""

from __future__ import annotations

import sys

#: mallopt parameters (glibc's malloc.h)
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3

_done = False


def keep_freed_memory() -> bool:
    """Tune glibc's allocator as above, once per process; False where there is no glibc (macOS,
    Windows, musl), which then keeps its own behaviour.  For the command line: an application
    embedding dedup decides for its own process."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: musl has a mallopt that does nothing
    except (OSError, AttributeError):
        return False
    # keep up to 512 MB freed at the top of the heap, grow it 64 MB at a time, and serve blocks up
    # to 32 MB from it (a mapping is unmapped when freed, and faulted in again page by page)
    ok = mallopt(_M_TRIM_THRESHOLD, 512 << 20) and mallopt(_M_TOP_PAD, 64 << 20)
    ok = ok and mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    _done = bool(ok)
    return _done
