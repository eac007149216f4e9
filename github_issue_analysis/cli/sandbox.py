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

    from github_issue_analysis.sandbox.anthropic_emulator import AnthropicEmulatorConfig, create_anthropic_app
    from github_issue_analysis.sandbox.gemini_emulator import GeminiEmulatorConfig, create_gemini_app
    from github_issue_analysis.sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig, default_world
    from github_issue_analysis.sandbox.openai_emulator import EmulatorConfig, create_openai_app
    from github_issue_analysis.sandbox.server import BackgroundServer

    from .demo import fresh_folder

    _check_free(port, port + 1, port + 2, port + 3)
    store_dir = fresh_folder("gh-analysis-sandbox-")  # sandbox data never lands in the user's real store
    openai_app = create_openai_app(
        EmulatorConfig(api_key=api_key, latency_ms=latency_ms, processing_seconds=processing_seconds)
    )
    github = GitHubEmulator(default_world(), GitHubEmulatorConfig(latency_ms=latency_ms))
    anthropic_app = create_anthropic_app(
        AnthropicEmulatorConfig(api_key=api_key, latency_ms=latency_ms, processing_seconds=processing_seconds)
    )
    gemini_app = create_gemini_app(
        GeminiEmulatorConfig(api_key=api_key, latency_ms=latency_ms, processing_seconds=processing_seconds)
    )
    out = context.console()
    with (
        BackgroundServer(openai_app, port) as openai_server,
        BackgroundServer(github.app, port + 1) as gh,
        BackgroundServer(anthropic_app, port + 2) as anthropic_server,
        BackgroundServer(gemini_app, port + 3) as gemini_server,
    ):
        out.print("Sandbox emulators are running. In another shell:")
        out.print(f"  export OPENAI_BASE_URL={openai_server.url}/v1 OPENAI_API_KEY={api_key}")
        out.print(f"  export ANTHROPIC_BASE_URL={anthropic_server.url} ANTHROPIC_API_KEY={api_key}")
        out.print(f"  export GEMINI_BASE_URL={gemini_server.url} GEMINI_API_KEY={api_key}")
        out.print(f"  export GITHUB_API_URL={gh.url} GITHUB_TOKEN=sandbox-token")
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
