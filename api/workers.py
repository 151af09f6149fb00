"""Several server workers, each accepting on its own socket, so connections spread evenly.

uvicorn's workers share one listening socket, and Linux wakes the same waiting worker for a
burst of new connections: a client that opens its keep-alive connections together (a careers
site's backend pool, a proxy's upstream pool, a load generator) can land every one of them on one
worker while the others idle, and throughput halves. With SO_REUSEPORT each worker listens on a
socket of its own, bound to the same address, and the kernel spreads connections across them by
a hash of their addresses. uvicorn's own supervisor still starts, watches and restarts the
workers; what it hands each one is not a socket but the recipe for one, bound in the worker.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

SPREAD_BY_KERNEL = hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


class ReusePortSocket:
    """What the supervisor passes to a worker: unpickled there, it becomes a socket of that
    worker's own, bound with SO_REUSEPORT (the supervisor holds none, so no connection can
    queue on a socket nobody accepts from)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return (bind_reuse_port, (self.host, self.port))


def bind_reuse_port(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def run_workers(config: Any) -> None:
    """Run `config.workers` workers (a uvicorn.Config, a fixed port) on one address, each
    with its own socket; the address is checked here first, so a port in use fails before any
    worker starts."""
    from uvicorn.supervisors.multiprocess import Multiprocess

    # Without SO_REUSEPORT, so a server already on the port (even one of ours) is an error,
    # not a group this one joins. Bound, never listening: it receives nothing.
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((config.host, config.port))
        except OSError as exc:
            sys.exit(f"cannot serve on {config.host}:{config.port}: {exc.strerror}")
    logging.getLogger("uvicorn.error").info(
        "Serving on http://%s:%d, %d workers, a socket each",
        config.host,
        config.port,
        config.workers,
    )
    sockets: Any = [ReusePortSocket(config.host, config.port)]
    Multiprocess(config, sockets=sockets).run()
