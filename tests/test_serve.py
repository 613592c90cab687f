"""Datasette over the exported SQLite file: a real server on a loopback port."""

import json
import re
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from usjst_data.builder import DATA_DIR
from usjst_data.errors import MissingExtraError, UsjstError
from usjst_data.serve import is_loopback, serve

STARTUP_SECONDS = 60
# Talk to the local server directly, whatever proxy the environment names.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str, timeout: float = 10) -> str:
    with _opener.open(url, timeout=timeout) as response:
        text: str = response.read().decode("utf-8")
        return text


@contextmanager
def _server(
    command: list[str], log: Path, announces_on_stderr: bool = False
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start a server, yield it with the first line it announces, then stop it and close its streams."""
    with log.open("w") as other:
        pipes = (other, subprocess.PIPE) if announces_on_stderr else (subprocess.PIPE, other)
        server = subprocess.Popen(command, stdout=pipes[0], stderr=pipes[1], text=True)
        stream = server.stderr if announces_on_stderr else server.stdout
        assert stream is not None
        try:
            yield server, stream.readline()
        finally:
            server.terminate()
            server.wait(timeout=30)
            stream.close()


def test_serve_announces_a_live_url_and_shows_tables_views_and_citations(built: Path, tmp_path: Path) -> None:
    code = "import sys; from pathlib import Path; from usjst_data.serve import serve; "
    code += "serve(port=0, data_dir=Path(sys.argv[1]), on_ready=lambda url: print(url, flush=True))"
    with _server([sys.executable, "-c", code, str(built / DATA_DIR)], tmp_path / "server.log") as (server, line):
        base = line.strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+/usjst", base), (tmp_path / "server.log").read_text()
        assert not base.endswith(":0/usjst")
        # The port is bound before the URL is announced: the first request needs no retry loop.
        page = _get(f"{base}/agreements", timeout=STARTUP_SECONDS)
        assert "Agreement on Fixture Cooperation" in page
        assert "A treaty, agreement, extension, memorandum, arrangement or joint statement." in page
        assert "CC-BY-4.0" in page
        data = json.loads(_get(f"{base}/agreements.json"))
        rows = [dict(zip(data["columns"], row, strict=True)) for row in data["rows"]]
        assert [(r["id"], r["signed"], r["domains"]) for r in rows] == [
            ("umbrella-1988", "1988-06-20", '["quantum"]'),
            ("umbrella-extension-2014", "2014", "[]"),
        ]
        found = json.loads(_get(f"{base}/funding_commitments.json?_search=yen&_shape=array"))
        assert [(r["id"], r["amount"]) for r in found] == [("fixture-yen-fund", 100000000000)]
        big = json.loads(_get(f"{base}/funding_commitments.json?_shape=array&amount__gt=1000000000"))
        assert [r["id"] for r in big] == ["fixture-yen-fund"]
        totals = json.loads(_get(f"{base}/commitment_totals.json?_shape=array"))
        assert [r["id"] for r in totals] == ["fixture-total-2023", "fixture-yen-fund"]
        record = _get(f"{base}/funding_commitments/fixture-yen-fund")
        link = "/usjst/record_citations?table=funding_commitments&amp;record_id=fixture-yen-fund"
        assert f'<a href="{link}">Sources of this record</a>' in record
        query = link.split("?")[1].replace("&amp;", "&")
        cited = json.loads(_get(f"{base}/record_citations.json?{query}&_shape=array"))
        assert [(r["source_id"], r["locator"]) for r in cited] == [("doc-a", "§ Money")]
        assert "Sources of this record" not in _get(f"{base}/sources/doc-a")  # sources are not cited
    assert server.returncode == 0  # SIGTERM stops Datasette and serve() returns, removing its temporary export


def test_cli_prints_the_bound_port(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "usjst_data", "serve", "--port", "0"]
    with _server(command, tmp_path / "out.log", announces_on_stderr=True) as (_, line):
        found = re.fullmatch(r"serving (http://127\.0\.0\.1:([0-9]+)/usjst) \(Ctrl-C to stop\)\n", line)
        assert found, line
        assert int(found.group(2)) > 0
        assert "High-Level Committee" in _get(f"{found.group(1)}/dialogues", timeout=STARTUP_SECONDS)


def test_port_in_use_is_an_error(built: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(UsjstError, match=f"port {port} on 127.0.0.1 is in use; choose another with --port"):
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
    monkeypatch.setitem(sys.modules, "datasette.app", None)
    with pytest.raises(MissingExtraError, match=r'pip install "usjst-data\[web\]"'):
        serve(data_dir=built / DATA_DIR)
