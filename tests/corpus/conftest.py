"""Fixtures of the corpus tests: a real redis-server on a free loopback port, local Ray, a generated corpus."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dedup.corpus.synthetic import SyntheticCorpus, generate_corpus

CHRONAM = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "chronam-1916-01-01_07"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``redis://127.0.0.1:PORT`` of a redis-server started for this session (no persistence)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    folder = tmp_path_factory.mktemp("redis")
    for _attempt in range(3):
        port = _free_port()
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        if proc.poll() is None:
            break
    else:  # pragma: no cover - three ports taken in a row
        pytest.fail("redis-server did not start")
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    """A clean database of the session's server for one test."""
    import redis

    url = f"{redis_server}/1"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def ray_local() -> Iterator[None]:
    """Ray in local mode on two CPUs, shut down after the session."""
    ray = pytest.importorskip("ray")
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[SyntheticCorpus, Path]:
    """2,000 generated documents (English and Chinese) with injected duplicates, written to disk."""
    corpus = generate_corpus(2000, seed=7)
    folder = tmp_path_factory.mktemp("synthetic") / "docs"
    corpus.write(folder)
    return corpus, folder


@pytest.fixture(scope="session")
def synthetic_local(synthetic: tuple[SyntheticCorpus, Path]) -> object:
    """The local-engine run over the generated corpus (shared by several tests)."""
    from dedup.corpus.pipeline import dedup_corpus

    return dedup_corpus([synthetic[1]], engine="local", workers=2)


@pytest.fixture(scope="session")
def chronam() -> Path:
    if not CHRONAM.is_dir():
        pytest.skip("shared chronam corpus not found beside the repository")
    return CHRONAM.resolve()
