"""Run a pure function over a list of tasks on a process pool or on Ray, results in task order.

Both engines call the same top-level functions on the same task lists and hand the
results back in task order, which is what makes their clusters identical.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

__all__ = ["ENGINES", "default_workers", "run_tasks"]

ENGINES = ("local", "ray")

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """One worker per available core."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def run_tasks(fn: Callable[[T], R], tasks: Sequence[T], *, engine: str = "local", workers: int | None = None,
              ray_address: str | None = None) -> Iterator[R]:
    """Yield ``fn(task)`` for every task, in task order, with at most ``2 * workers`` in flight.

    Args:
        fn: a module-level function (it is pickled to the workers).
        tasks: picklable arguments, one call each.
        engine: ``local`` (a process pool; in-process when one worker suffices) or ``ray``.
        workers: processes (local) or CPUs requested from a new local Ray instance.
        ray_address: an existing Ray cluster to connect to (``auto`` or ``ray://host:port``).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (expected one of {', '.join(ENGINES)})")
    workers = workers or default_workers()
    if engine == "ray":
        yield from _run_ray(fn, tasks, workers, ray_address)
    elif workers == 1 or len(tasks) <= 1:
        for task in tasks:
            yield fn(task)
    else:
        yield from _run_pool(fn, tasks, workers)


def _run_pool(fn: Callable[[T], R], tasks: Sequence[T], workers: int) -> Iterator[R]:
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # fork: workers start instantly and need no importable __main__ (notebooks, stdin scripts)
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending: deque[Future[R]] = deque()
        it = iter(tasks)
        for task in it:
            pending.append(pool.submit(fn, task))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(fn, nxt))
            yield result


def _run_ray(fn: Callable[[T], R], tasks: Sequence[T], workers: int, address: str | None) -> Iterator[R]:
    import ray

    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                  "ignore_reinit_error": True}
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = workers
        ray.init(**kwargs)
    remote = ray.remote(num_cpus=1)(fn)
    pending: deque[Any] = deque()
    it = iter(tasks)
    limit = 2 * workers
    for task in it:
        pending.append(remote.remote(task))
        if len(pending) >= limit:
            break
    while pending:
        result: R = ray.get(pending.popleft())
        nxt = next(it, None)
        if nxt is not None:
            pending.append(remote.remote(nxt))
        yield result
