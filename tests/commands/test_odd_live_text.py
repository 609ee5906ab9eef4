"""A live campaign whose name is not valid Unicode (a lone surrogate, as JSON can carry)
is printed with a replacement and saved escaped: plan, its saved file, show and apply all
finish with their ordinary exit codes, never exit 3."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli

pytestmark = pytest.mark.e2e

LIST = (
    b'{"code": 200, "error": null, "msg": "1 records were found", "data": [{"campaign_id": "5",'
    b' "campaign_name": "odd\\ud800name", "campaign_description": "d\\udfff",'
    b' "type_campaign": "preview", "status": "Started", "records": "3"}]}'
)


@pytest.fixture
def vendor() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = LIST if "api=campaigns" in self.path else b'{"code": 202, "msg": "ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_PUT = do_POST = do_GET

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_lone_surrogate_in_a_live_name_is_no_crash(vendor: str, tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text("version: 1\noperation: {unmanaged: stop}\ncampaigns: []\n")
    env = {"WOLKVOX_TOKEN": "tk-odd-text-8h7g6f", "WOLKVOX_ENDPOINT": vendor}
    out = tmp_path / "plan.json"
    for extra in ([], ["--json"], ["--markdown"], ["--out", str(out)]):
        result = run_cli("plan", str(manifest), "--detailed-exitcode", *extra, env=env,
                         process=True)  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert "odd" in result.stdout and "Internal error" not in result.stderr
    assert json.loads(out.read_text())["actions"][0]["campaign"].startswith("odd")
    shown = run_cli("show", str(out), process=True)
    assert shown.returncode == 0, shown.stderr
