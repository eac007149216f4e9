"""`gh-analysis serve`: the local review app over the store."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from . import context

if TYPE_CHECKING:
    import socket


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port to listen on."),
    open_browser: bool = typer.Option(False, "--open", help="Open the start page in a browser."),
    allow_remote: bool = typer.Option(
        False, "--allow-remote", help="Allow a --host other machines can reach (they could act with your token)."
    ),
) -> None:
    """Serve the groups, live reports, the review queue and the apply plan on http://HOST:PORT (Ctrl+C stops)."""
    import threading
    import webbrowser

    import uvicorn

    from github_issue_analysis.errors import UsageError
    from github_issue_analysis.report.app import create_app
    from github_issue_analysis.report.serve_hosts import WILDCARDS, allowed_hosts, beyond_loopback

    remote = beyond_loopback(host)
    if remote and not allow_remote:
        raise UsageError(
            f"--host {host} lets other machines reach the review page and act with your GitHub token; "
            "add --allow-remote to do that, or leave --host at 127.0.0.1"
        )
    listening = _listen(host, port)  # a taken port is one line and exit 2, before anything else
    port = listening.getsockname()[1]  # --port 0: the free port the system chose
    store = context.open_store()
    hosts = allowed_hosts(host)
    app = create_app(store, context.settings(), allowed_hosts=hosts)
    url = f"http://{'127.0.0.1' if host in WILDCARDS else host}:{port}/"
    err = context.console(stderr=True)
    if remote:
        err.print(
            f"Warning: other machines on the network can reach {host}:{port}; only requests addressed to "
            f"{', '.join(hosts)} are answered.",
            soft_wrap=True,
        )
    err.print(f"Serving {store.display_location} on {url} (Ctrl+C to stop)")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    try:
        config = uvicorn.Config(app, log_level="warning", access_log=False)
        uvicorn.Server(config).run(sockets=[listening])
    finally:
        listening.close()
        store.close()


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a taken port is reported in the tool's words."""
    import errno
    import socket

    from github_issue_analysis.errors import UsageError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
        listening.listen(128)
    except OSError as error:
        listening.close()
        if error.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on {host} is taken (another `gh-analysis serve`?); pick another with --port, "
                "e.g. --port 8766, or --port 0 for any free port"
            ) from None
        raise UsageError(
            f"cannot listen on {host}:{port}: {error.strerror or error}; check --host and --port"
        ) from None
    return listening
