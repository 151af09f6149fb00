"""`jobsearch serve` as a real subprocess (its own process group), its workers' metric files,
and a throwaway redis-server on loopback."""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from tests.api.server import free_port
from tests.paths import REPO

START_SECONDS = 180


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    metrics_dir: Path

    def worker_pids(self) -> set[int]:
        """The workers serving now: each keeps a live gauge file while it runs."""
        return set(gauge_files(self.metrics_dir))

    def children(self) -> set[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in path.read_text().split()}


def listening_sockets(pid: int, port: int) -> set[int]:
    """The inodes of the sockets process `pid` holds that listen on `port` (Linux /proc)."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                listening.add(int(fields[9]))
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            held.add(int(target[len("socket:[") : -1]))
    return held & listening


def gauge_files(metrics_dir: Path) -> dict[int, Path]:
    found = {}
    for name in glob.glob(str(metrics_dir / "gauge_livemax_*.db")):
        match = re.search(r"_(\d+)\.db$", name)
        if match:
            found[int(match.group(1))] = Path(name)
    return found


def requests_by_pid(metrics_dir: Path, route: str, status: str | None = None) -> dict[int, float]:
    """jobsearch_requests_total for `route` in each worker's own file, by the worker's pid."""
    counts: dict[int, float] = {}
    for name in glob.glob(str(metrics_dir / "counter_*.db")):
        pid = int(re.search(r"_(\d+)\.db$", name).group(1))  # type: ignore[union-attr]
        for metric in MultiProcessCollector.merge([name]):
            for sample in metric.samples:
                if (
                    sample.name == "jobsearch_requests_total"
                    and sample.labels["route"] == route
                    and (status is None or sample.labels["status"] == status)
                ):
                    counts[pid] = counts.get(pid, 0.0) + sample.value
    return counts


def scrape(url: str) -> dict[str, float]:
    """GET /metrics as {series with labels: value}."""
    text = httpx.get(f"{url}/metrics", timeout=30).text
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            samples[series] = float(value)
    return samples


@contextmanager
def serving(root: Path, tmp: Path, *args: str, workers: int = 2, **env: str) -> Iterator[Served]:
    """`python -m scripts.cli serve --workers N` on a free loopback port, until every worker
    has loaded the index; stopped (SIGTERM to its group) at the end."""
    port = free_port()
    metrics_dir = tmp / "metrics"
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HF_HUB_OFFLINE": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "JOBSEARCH_INDEX_DIR": str(root),
        **env,
    }
    command = [sys.executable, "-m", "scripts.cli", "serve", "--index", str(root)]
    command += ["--port", str(port), "--workers", str(workers), *args]
    log = (tmp / "serve.log").open("wb")
    process = subprocess.Popen(
        command, cwd=REPO, env=environment, stdout=log, stderr=log, start_new_session=True
    )
    served = Served(f"http://127.0.0.1:{port}", process, metrics_dir)
    try:
        wait_until(
            lambda: len(served.worker_pids()) == workers and ready(served.url),
            lambda: f"server not ready: {(tmp / 'serve.log').read_text()[-2000:]}",
            process,
        )
        yield served
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until(
    condition, message, process: subprocess.Popen[bytes] | None = None, seconds: float = 0
) -> None:
    deadline = time.monotonic() + (seconds or START_SECONDS)
    while not condition():
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            raise AssertionError(message())
        time.sleep(0.2)


@contextmanager
def redis_server(tmp: Path) -> Iterator[str]:
    """A redis-server on a free loopback port, nothing saved; its redis:// URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server (make test installs it: apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: answers_ping(port), lambda: "redis-server did not start", process, 30)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def answers_ping(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
