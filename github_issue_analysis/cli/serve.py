"""`gh-analysis serve`: the local review app over the store."""

from __future__ import annotations

import typer

from . import context


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port to listen on."),
    open_browser: bool = typer.Option(False, "--open", help="Open the start page in a browser."),
) -> None:
    """Serve the groups, live reports, the review queue and the apply plan on http://HOST:PORT (Ctrl+C stops)."""
    import threading
    import webbrowser

    import uvicorn

    from github_issue_analysis.report.app import LOCAL_HOSTS, create_app

    store = context.open_store()
    every_address = host in ("0.0.0.0", "::")
    hosts = ["*"] if every_address else sorted({*LOCAL_HOSTS, host})
    app = create_app(store, context.settings(), allowed_hosts=hosts)
    url = f"http://{'127.0.0.1' if every_address else host}:{port}/"
    context.console(stderr=True).print(f"Serving {store.display_location} on {url} (Ctrl+C to stop)")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        store.close()
