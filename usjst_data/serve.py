"""Browse the package in Datasette: export it to SQLite in a temporary folder and serve it on loopback.

The port is bound before anything is announced, so the URL passed to ``on_ready`` is live and names
the real port (also for port 0, "any free port"). A record's page links to its rows of
``record_citations``: where each of its facts comes from.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from .errors import MissingExtraError, UsjstError
from .export import export
from .views import cited_tables

DATABASE = "usjst"
# Datasette's row page, plus a link to the record's citations on the pages of cited tables.
ROW_TEMPLATE = """{% extends "default:row.html" %}
{% block description_source_license %}{{ super() }}
{% if table in CITED %}<p class="record-citations"><a href="{{ urls.table(database, "record_citations") }}?table=
{{- table|urlencode }}&amp;record_id={{ primary_key_values|join("/")|urlencode }}">Sources of this record</a>
(record_citations)</p>{% endif %}
{% endblock %}
"""


class _Terminated(Exception):
    """SIGTERM arrived: stop serving, and remove the temporary export on the way out."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into an exception (uvicorn re-raises it after shutting down) so cleanup runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.0.0.0/8 or ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening; UsjstError when the port is taken or not allowed."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        # As uvicorn does: a port left in TIME_WAIT by a previous run can be bound again at once.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            message = f"port {port} on {host} is in use; choose another with --port, or 0 for any free port"
            raise UsjstError(message) from None
        raise UsjstError(f"cannot listen on {host} port {port}: {exc.strerror}") from None
    return sock


def url(host: str, port: int) -> str:
    """The database's address on ``host:port``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/{DATABASE}"


def row_template() -> str:
    """The row page template, naming the tables whose records have citations."""
    return ROW_TEMPLATE.replace("CITED", json.dumps(cited_tables()))


def serve(
    port: int = 8001,
    host: str = "127.0.0.1",
    data_dir: Path | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the package in ``data_dir`` (default: the shipped data) with Datasette until interrupted.

    Loopback hosts only. ``on_ready`` gets the URL once the port is bound (port 0 picks a free one).
    """
    if not is_loopback(host):
        raise UsjstError(f"refusing to serve on {host!r}: use a loopback address such as 127.0.0.1 or localhost")
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError:
        raise MissingExtraError("datasette", "web") from None

    with listen(host, port) as sock, tempfile.TemporaryDirectory(prefix="usjst-serve-") as folder:
        database, metadata = export("sqlite", Path(folder) / f"{DATABASE}.db", data_dir)
        templates = Path(folder) / "templates"
        templates.mkdir()
        (templates / "row.html").write_text(row_template(), encoding="utf-8")
        datasette = Datasette(
            immutables=[str(database)],
            metadata=json.loads(metadata.read_text(encoding="utf-8")),
            template_dir=str(templates),
        )
        server = uvicorn.Server(uvicorn.Config(datasette.app(), log_level="info", lifespan="on"))
        if on_ready is not None:
            on_ready(url(host, sock.getsockname()[1]))
        with _stop_on_sigterm():
            try:
                server.run(sockets=[sock])
            except (KeyboardInterrupt, _Terminated):  # Ctrl-C or SIGTERM, after uvicorn shut down
                return
