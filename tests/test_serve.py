"""Datasette over the exported SQLite file: a real server on a loopback port."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from usjst_data.builder import DATA_DIR
from usjst_data.errors import MissingExtraError, UsjstError
from usjst_data.serve import is_loopback, serve

STARTUP_SECONDS = 60
# Talk to the local server directly, whatever proxy the environment names.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> str:
    with _opener.open(url, timeout=10) as response:
        text: str = response.read().decode("utf-8")
        return text


def test_serve_shows_tables_in_html_and_json(built: Path, tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    code = "import sys; from pathlib import Path; from usjst_data.serve import serve; "
    code += "serve(port=int(sys.argv[1]), data_dir=Path(sys.argv[2]))"
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-c", code, str(port), str(built / DATA_DIR)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                _get(f"{base}/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "Datasette did not start in time"
                time.sleep(0.2)
        page = _get(f"{base}/usjst/agreements")
        assert "Agreement on Fixture Cooperation" in page
        assert "A treaty, agreement, extension, memorandum, arrangement or joint statement." in page
        assert "CC-BY-4.0" in page
        data = json.loads(_get(f"{base}/usjst/agreements.json"))
        rows = [dict(zip(data["columns"], row, strict=True)) for row in data["rows"]]
        assert [(r["id"], r["signed"], r["domains"]) for r in rows] == [
            ("umbrella-1988", "1988-06-20", '["quantum"]'),
            ("umbrella-extension-2014", "2014", "[]"),
        ]
        found = json.loads(_get(f"{base}/usjst/funding_commitments.json?_search=yen&_shape=array"))
        assert [(r["id"], r["amount"]) for r in found] == [("fixture-yen-fund", "100000000000")]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert server.returncode == 0  # SIGTERM stops Datasette and serve() returns, removing its temporary export
    assert "Uvicorn running on" in (tmp_path / "server.log").read_text()


def test_port_in_use_is_an_error(built: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(UsjstError, match=f"is port {port} in use"):
            serve(port=port, data_dir=built / DATA_DIR)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_refuses_a_public_host(built: Path) -> None:
    with pytest.raises(UsjstError, match=r"refusing to serve on '0\.0\.0\.0'"):
        serve(host="0.0.0.0", data_dir=built / DATA_DIR)


def test_missing_datasette_names_the_extra(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasette.cli", None)
    with pytest.raises(MissingExtraError, match=r'pip install "usjst-data\[web\]"'):
        serve(data_dir=built / DATA_DIR)
