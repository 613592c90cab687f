"""Browse the package in Datasette: export it to SQLite in a temporary folder and serve it on loopback."""

from __future__ import annotations

import ipaddress
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from types import FrameType

from .errors import MissingExtraError, UsjstError
from .export import export

DATABASE = "usjst"


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


def serve(port: int = 8001, host: str = "127.0.0.1", data_dir: Path | None = None) -> None:
    """Serve the package with Datasette at ``http://host:port/usjst`` until interrupted; loopback only."""
    if not is_loopback(host):
        raise UsjstError(f"refusing to serve on {host!r}: use a loopback address such as 127.0.0.1 or localhost")
    try:
        datasette_cli = import_module("datasette.cli")
    except ImportError:
        raise MissingExtraError("datasette", "web") from None
    import click

    with tempfile.TemporaryDirectory(prefix="usjst-serve-") as folder, _stop_on_sigterm():
        database, metadata = export("sqlite", Path(folder) / f"{DATABASE}.db", data_dir)
        arguments = ["serve", "--immutable", str(database), "--metadata", str(metadata)]
        try:
            datasette_cli.cli.main(
                [*arguments, "--host", host, "--port", str(port)], prog_name="datasette", standalone_mode=False
            )
        except (click.exceptions.Abort, _Terminated):  # Ctrl-C or SIGTERM, after Datasette shut down
            return
        except click.ClickException as exc:
            raise UsjstError(f"Datasette: {exc.format_message()}") from None
        except SystemExit as exc:  # uvicorn exits when it cannot bind the port
            if exc.code not in (0, None):
                raise UsjstError(f"Datasette stopped (exit code {exc.code}); is port {port} in use?") from None
