"""A GitHub API emulator (GraphQL + REST) over deterministic synthetic organizations, with faults.

emulator = GitHubEmulator(default_world(), GitHubEmulatorConfig(latency_ms=100))
with BackgroundServer(emulator.app) as server:   # github_issue_analysis_sandbox.server
    ...  # GITHUB_API_URL=server.url; emulator.stats.total counts requests
"""

from .app import GitHubEmulator, benchmark_world, create_github_app, default_world
from .config import GitHubEmulatorConfig
from .faults import RequestStats
from .generator import acme_org, benchmark_org, demo_org, generate_org, user_account
from .world import World

__all__ = [
    "GitHubEmulator",
    "GitHubEmulatorConfig",
    "RequestStats",
    "World",
    "acme_org",
    "benchmark_org",
    "benchmark_world",
    "create_github_app",
    "default_world",
    "demo_org",
    "generate_org",
    "user_account",
]
