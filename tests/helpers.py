"""Helpers shared by the test modules (fixtures live in conftest.py files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

#: the installed console script, next to the interpreter running the tests
CLI = (
    shutil.which("wolkvox-reconciler", path=str(Path(sys.executable).parent))
    or "wolkvox-reconciler"
)


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    cwd: str | Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the installed `wolkvox-reconciler` console script, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
    full_env["NO_COLOR"] = "1"
    # the client's retries back off for milliseconds, not seconds: the same retries, run
    # without waiting out the production backoff (its rule is unit-tested in tests/client)
    full_env["WOLKVOX_RETRY_BACKOFF"] = "0.005,0.05"
    full_env.update(env or {})
    return subprocess.run(
        [CLI, *args],
        env=full_env,
        input=input,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# -- the simulator, run as a user would: the installed console script, a real socket --------

#: the token `simulate` accepts when given no --token
DEFAULT_SIMULATOR_TOKEN = "simulator-token"


class Simulator:
    """One `wolkvox-reconciler simulate` subprocess (see the `simulator` fixture)."""

    def __init__(self, workdir: Path, args: list[str], token: str) -> None:
        self.workdir = workdir
        self.args = args
        self.token = token
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None
        self._http: httpx.Client | None = None
        self.stderr_path = workdir / f"simulator-{id(self)}.stderr"
        self.start()

    @property
    def env(self) -> dict[str, str]:
        return {"WOLKVOX_TOKEN": self.token, "WOLKVOX_ENDPOINT": self.url}

    def start(self, extra: list[str] | None = None) -> None:
        import select
        import time

        env = {k: v for k, v in os.environ.items() if not k.startswith("WOLKVOX_")}
        # one client, made here (not lazily: threads would race): a new one per call
        # would cost ~50 ms (its TLS context)
        self._http = self._http or httpx.Client()
        with open(self.stderr_path, "ab") as stderr:
            self.proc = subprocess.Popen(
                [CLI, "simulate", *self.args, *(extra or [])],
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
        """SIGTERM, then kill after 10 s; the exit code (None if it had to be killed)."""
        if self.proc is None:
            return None
        if self._http is not None:
            self._http.close()
            self._http = None
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
