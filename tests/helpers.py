"""Helpers shared by the test modules (fixtures live in conftest.py files)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

#: the installed console script, next to the interpreter running the tests
CLI = (
    shutil.which("wolkvox-reconciler", path=str(Path(sys.executable).parent))
    or "wolkvox-reconciler"
)


#: set to 1 to run every `run_cli` and every simulator as a real process, as before the
#: suite ran them in-process (slower; the tests that need a process always use one)
ALWAYS_A_PROCESS = os.environ.get("RECONCILER_TESTS_IN_PROCESSES") == "1"


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    cwd: str | Path | None = None,
    timeout: float = 120,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`wolkvox-reconciler *args`, as a user would run it: in this process through the
    console script's own entry point (`reconciler.cli:main`, its exit code, stdout and
    stderr, an environment of exactly `env` over ours), or with `process=True` as the
    installed console script in a subprocess, for what needs a real process (signals,
    kill -9, two runs at once, what a crash or a log handler could print)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
    full_env["NO_COLOR"] = "1"
    # the client's retries back off for milliseconds, not seconds: the same retries, run
    # without waiting out the production backoff (its rule is unit-tested in tests/client)
    full_env["WOLKVOX_RETRY_BACKOFF"] = "0.005,0.05"
    full_env.update(env or {})
    if process or ALWAYS_A_PROCESS or threading.current_thread() is not threading.main_thread():
        return subprocess.run(
            [CLI, *args],
            env=full_env,
            input=input,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    return _in_process(list(args), full_env, input or "", cwd)


@contextlib.contextmanager
def no_known_secrets() -> Iterator[None]:
    """None of the secrets this process has seen (`reconciler.secret` redacts them from all
    it prints) inside, as in a new process; those it knew, back after."""
    from reconciler import secret

    saved = set(secret._KNOWN)
    secret._KNOWN.clear()
    try:
        yield
    finally:
        secret._KNOWN.clear()
        secret._KNOWN.update(saved)


def _in_process(
    args: list[str], env: dict[str, str], input: str, cwd: str | Path | None
) -> subprocess.CompletedProcess[str]:
    """`main(args)` with this process's environment, directory, standard streams, signal
    handlers, logging and known secrets swapped for the run's own, and all restored."""
    import io
    import logging
    import signal

    from reconciler.cli import main

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_signals = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    logger = logging.getLogger("reconciler")
    saved_logger = logger.level, logger.propagate, list(logger.handlers)
    out, err = io.BytesIO(), io.BytesIO()
    code: int = 0
    # as a new process: it knows only the secrets it reads itself
    with no_known_secrets():
        try:
            os.environ.clear()
            os.environ.update(env)
            if cwd is not None:
                os.chdir(cwd)
            sys.stdin = io.TextIOWrapper(io.BytesIO(input.encode()), encoding="utf-8")
            sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
            sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
            # kept alive until read: a wrapper collected early closes the bytes under it
            streams = sys.stdin, sys.stdout, sys.stderr
            try:
                main(args)
            except SystemExit as exit_:
                if isinstance(exit_.code, str):  # as the interpreter does: sys.exit("text")
                    print(exit_.code, file=sys.stderr)
                    code = 1
                else:
                    code = exit_.code or 0
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
            for sig, handler in saved_signals.items():
                signal.signal(sig, handler)
            logger.setLevel(saved_logger[0])
            logger.propagate, logger.handlers[:] = saved_logger[1:]
    stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    del streams
    return subprocess.CompletedProcess(["wolkvox-reconciler", *args], code, stdout, stderr)


# -- the simulator, run as a user would: the installed console script, a real socket --------

#: the token `simulate` accepts when given no --token
DEFAULT_SIMULATOR_TOKEN = "simulator-token"


class Simulator:
    """One simulator on 127.0.0.1 (see the `simulator` fixture), started from `simulate`'s
    own options: served by a thread of this process, or with `process=True` by the
    installed `wolkvox-reconciler simulate` as a subprocess (for signals, kill -9 and its
    exit code). Either way a real HTTP server on a real socket."""

    def __init__(
        self, workdir: Path, args: list[str], token: str, *, process: bool = False
    ) -> None:
        self.workdir = workdir
        self.args = args
        self.token = token
        self.process = process or ALWAYS_A_PROCESS
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None
        self._server: Any = None
        self._log: Any = None
        self._thread: threading.Thread | None = None
        self._http: httpx.Client | None = None
        self.stderr_path = workdir / f"simulator-{id(self)}.stderr"
        self.start()

    @property
    def env(self) -> dict[str, str]:
        return {"WOLKVOX_TOKEN": self.token, "WOLKVOX_ENDPOINT": self.url}

    def start(self, extra: list[str] | None = None) -> None:
        # one client, made here (not lazily: threads would race): a new one per call
        # would cost ~50 ms (its TLS context)
        self._http = self._http or httpx.Client()
        if self.process:
            self._start_process([*self.args, *(extra or [])])
        else:
            self._start_thread([*self.args, *(extra or [])])

    def _start_thread(self, args: list[str]) -> None:
        import logging

        from reconciler.commands.simulate import open_server, simulate

        # the request log (warnings only, as `simulate` without -v) goes to this
        # simulator's file, never into the output of a command run in this process
        log = logging.getLogger("reconciler.simulator")
        log.propagate = False
        log.setLevel(logging.WARNING)
        self._log = logging.FileHandler(self.stderr_path, delay=True)
        log.handlers[:] = [self._log]
        with simulate.make_context("simulate", list(args)) as ctx:
            options = {k: v for k, v in ctx.params.items() if k != "verbose"}
        self._server = open_server(**options)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self.url = self._server.url

    def _start_process(self, args: list[str]) -> None:
        import select
        import time

        env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
        with open(self.stderr_path, "ab") as stderr:
            self.proc = subprocess.Popen(
                [CLI, "simulate", *args],
                stdout=subprocess.PIPE,
                stderr=stderr,  # a file, not a pipe: a full pipe would stall the server
                stdin=subprocess.DEVNULL,
                env=env,
                text=True,
            )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if ready:
                line = self.proc.stdout.readline()
                if line.startswith("Simulator listening on "):
                    self.url = line.split()[-1]
                    return
                if not line and self.proc.poll() is not None:
                    break
            elif self.proc.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"simulator did not start: {self.stderr_path.read_text()}")

    def stop(self) -> int | None:
        """Stop serving: the thread's server shut down and its store closed (0), or the
        process sent SIGTERM, then killed after 10 s (its exit code; None if killed)."""
        if self._http is not None:
            self._http.close()
            self._http = None
        if self._server is not None:
            server, self._server = self._server, None
            server.stopping = True  # as on SIGTERM: a request in flight may meet a closed store
            server.shutdown()
            assert self._thread is not None
            self._thread.join()
            server.server_close()
            server.store.close()
            self._log.close()
            return 0
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        code: int | None = proc.poll()
        if code is None:
            proc.terminate()
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        return code

    def restart(self) -> None:
        """Stop, then start again on the same port (so `url` and `env` stay valid)."""
        port = self.url.rsplit(":", 1)[-1]
        self.stop()
        self.start(["--port", port])

    def request(
        self,
        method: str,
        path_and_query: str,
        *,
        json: object = None,
        content: bytes | Iterator[bytes] | None = None,
        token: str | None = None,
        timeout: float = 30,
    ) -> httpx.Response:
        """A raw request with plain httpx (not our client): `/api/v2/...?...`."""
        headers = {"wolkvox-token": self.token if token is None else token}
        assert self._http is not None, "the simulator is stopped"
        return self._http.request(
            method,
            self.url + path_and_query,
            headers=headers,
            json=json,
            content=content,
            timeout=timeout,
        )

    def campaigns(self) -> list[dict[str, str]]:
        """The raw rows of the list endpoint."""
        response = self.request("GET", "/api/v2/information.php?api=campaigns")
        response.raise_for_status()
        data: list[dict[str, str]] = response.json()["data"]
        return data


def row(cid: str, name: str, type: str, status: str, records: int, desc: str) -> dict[str, Any]:
    """One seed row for the simulator, in the list endpoint's field names."""
    return {
        "campaign_id": cid,
        "campaign_name": name,
        "type_campaign": type,
        "status": status,
        "records": records,
        "campaign_description": desc,
    }


def client_for(
    operation: Any,
    *,
    endpoint: str | None = None,
    environ: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    """The client a command makes for `operation`: the target resolved as every command
    resolves it (`--endpoint` over `operation.server`, the token from `token_env`), then
    `WolkvoxClient(base_url, token, **kwargs)`."""
    from reconciler.client import WolkvoxClient
    from reconciler.workflow.target import resolve_target

    target = resolve_target(operation, endpoint, environ)
    return WolkvoxClient(target.base_url, target.token, **kwargs)
