"""`citygraph serve --workers N`: N server processes, each listening on a socket of its own on the same port.

uvicorn's own multi-process mode binds one socket in the parent and hands it to every worker.
Measured on the world build (docs/serve.md, "Workers"), two things went wrong with that:

- the socket is made with protocol 0, so asyncio does not set TCP_NODELAY on the connections
  it accepts (it checks for IPPROTO_TCP): every keep-alive request after a connection's first
  waited about 40 ms for the client's delayed ACK (uvicorn issue #3149, open at the time);
- the worker whose event loop wakes first accepts every connection waiting (asyncio takes up
  to its backlog at once): eight keep-alive clients all landed on one worker, the other idle.

So each worker here binds its own TCP socket (IPPROTO_TCP, so TCP_NODELAY) with SO_REUSEPORT:
the kernel spreads new connections over the workers' sockets. The parent starts the workers,
starts another in place of one that stops after it served, and stops them all on SIGINT or
SIGTERM; a worker that stops before it serves stops the server, with the worker's exit code.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import threading
import time
from typing import Any

import uvicorn

from ...errors import EXIT_CODES, BadInput, CitygraphError, error_line
from .. import memory, record
from ..app import create_app
from ..site import Site
from .backend import LocalBackend
from .server import Options, settings, site_from_options

STOP_WAIT = 10.0  # seconds a worker gets to finish its requests once told to stop


class WorkerFailed(CitygraphError):
    """A worker process stopped before it served: the server stops with the worker's exit code
    (2 for bad input, 4 for a crash), its one-line error said above."""

    def __init__(self, message: str, code: int | None):
        super().__init__(message)
        self.exit_code = code if code and code in EXIT_CODES else 4  # killed by a signal (negative): a crash


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port that other processes may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, telling the parent once it listens."""

    def __init__(self, config: uvicorn.Config, ready: Any):
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.ready.set()


def _worker(opts: Options, uvicorn_settings: dict, ready: Any, made: tuple | None, name: str) -> None:
    """One worker process: the site over the built store (opened read-only), served on its own socket.
    An error ends it with one line on stderr and citygraph's exit code, as the command would."""
    try:
        try:
            sock = listening_socket(opts.host, opts.port)
        except OSError as err:
            raise BadInput(f"--host {opts.host} --port {opts.port}: cannot listen there ({err.strerror}); choose another port") from None
        site = site_from_options(opts)
        site.record = made  # the dataset's record, made once by the parent (serve/record.py); None: the worker makes it
        _Server(uvicorn.Config(create_app(site), **uvicorn_settings), ready).run(sockets=[sock])
    except KeyboardInterrupt:
        sys.exit(130)
    except CitygraphError as err:
        if err.details:
            print(err.details, file=sys.stderr)
        print(error_line(f"{name}: {err}"), file=sys.stderr)
        sys.exit(err.exit_code)
    except Exception as err:  # noqa: BLE001 - a bug: one line, as the command says it
        print(error_line(f"{name}: unexpected {type(err).__name__}: {err} — this is a bug in citygraph; "
                         "run `citygraph --debug serve` without --workers for the traceback and report it"), file=sys.stderr)
        sys.exit(4)


class Workers:
    def __init__(self, opts: Options, uvicorn_settings: dict, made: tuple | None = None):
        self.opts, self.settings, self.record = opts, uvicorn_settings, made
        self.context = multiprocessing.get_context("spawn")  # a fresh interpreter: no store or threads inherited
        self.processes: list[Any] = []
        self.ready: list[Any] = []
        self.stopping = threading.Event()

    def start(self, index: int) -> None:
        ready = self.context.Event()
        name = f"worker {index + 1}"
        process = self.context.Process(target=_worker, args=(self.opts, self.settings, ready, self.record, name),
                                       name=f"citygraph-{name.replace(' ', '-')}")
        process.start()
        if index < len(self.processes):
            self.processes[index], self.ready[index] = process, ready
        else:
            self.processes.append(process)
            self.ready.append(ready)

    def run(self) -> None:
        previous = {sig: signal.signal(sig, lambda *_: self.stopping.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for index in range(self.opts.workers):
                self.start(index)
            self._watch()
        finally:
            self._stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _watch(self) -> None:
        while not self.stopping.wait(0.2):
            for index, process in enumerate(self.processes):
                if process.exitcode is None:
                    continue
                if not self.ready[index].is_set():
                    raise WorkerFailed(f"worker {index + 1} stopped (exit code {process.exitcode}) before it served; "
                                       "its error is above", process.exitcode)
                print(f"citygraph: worker {index + 1} stopped (exit code {process.exitcode}); starting another", file=sys.stderr)
                self.start(index)

    def _stop(self) -> None:
        for process in self.processes:
            if process.exitcode is None:
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight, then stops
        deadline = time.monotonic() + STOP_WAIT
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.exitcode is None:
                process.kill()
                process.join()


def run(opts: Options, site: Site) -> None:
    """Serve in opts.workers processes. `site` is the parent's (the store built and opened): it makes the
    dataset's record once for all the workers, then closes its store; each worker opens its own."""
    made = None
    if isinstance(site.backend, LocalBackend):
        try:
            made = record.made_now(site)
        except Exception:  # noqa: BLE001 - then each worker makes it, and the page that needs it says what went wrong
            made = None
        site.backend.store = None
        memory.give_back()  # what making the record used: the parent only watches the workers from here on
    Workers(opts, settings(opts), made).run()
