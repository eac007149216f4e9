"""`gh-analysis sandbox serve`: the OpenAI Batch API, GitHub, Anthropic Message Batches and Gemini batch-mode
emulators, standalone on loopback."""

from __future__ import annotations

import typer

from . import context

app = typer.Typer(
    help="Local emulators of the OpenAI Batch API, GitHub, Anthropic Message Batches and Gemini batch mode, "
    "for trying the tool offline.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command()
def serve(
    port: int = typer.Option(
        8400,
        "--port",
        min=1,
        max=65532,
        help="OpenAI Batch API emulator port (GitHub: the next port; Anthropic: the one after; Gemini: the next).",
    ),
    latency_ms: float = typer.Option(0.0, "--latency-ms", help="Latency added to every request of each."),
    processing_seconds: float = typer.Option(10.0, "--processing-seconds", help="How long a batch runs."),
    api_key: str = typer.Option("sk-sandbox", "--api-key", help="The key the AI provider emulators accept."),
) -> None:
    """Serve the emulators until Ctrl+C. Faults and limits change at runtime through
    POST /_sandbox/config on each port; GET /_sandbox/stats counts requests."""
    import shlex
    import time

    from .demo import fresh_folder
    from .emulators import require_sandbox

    require_sandbox()
    from github_issue_analysis_sandbox import running_emulators

    _check_free(port, port + 1, port + 2, port + 3)

    store_dir = fresh_folder("gh-analysis-sandbox-")  # sandbox data never lands in the user's real store
    out = context.console()
    with running_emulators(processing_seconds, port=port, latency_ms=latency_ms, api_key=api_key) as urls:
        out.print("Sandbox emulators are running. In another shell:")
        out.print(f"  export OPENAI_BASE_URL={urls.openai}/v1 OPENAI_API_KEY={api_key}")
        out.print(f"  export ANTHROPIC_BASE_URL={urls.anthropic} ANTHROPIC_API_KEY={api_key}")
        out.print(f"  export GEMINI_BASE_URL={urls.gemini} GEMINI_API_KEY={api_key}")
        out.print(f"  export GITHUB_API_URL={urls.github} GITHUB_TOKEN={urls.github_token}")
        out.print(f"  export GH_ANALYSIS_DATA_DIR={shlex.quote(str(store_dir))}  # a store of its own for the sandbox")
        out.print("  gh-analysis collect --org sandbox-org  # or --org acme")
        out.print("Press Ctrl+C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            out.print("Stopped.")


def _check_free(*ports: int) -> None:
    import socket

    from github_issue_analysis.errors import UsageError

    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError as error:
                raise UsageError(
                    f"port {port} on 127.0.0.1 is not available ({error.strerror}); choose another with --port"
                ) from None
