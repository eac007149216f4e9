"""`python -m tests.test_labels.world_server PORT`: the labels test world on its own emulator process
(the way `gh-analysis sandbox serve` runs), until killed."""

from __future__ import annotations

import sys
import time

from github_issue_analysis_sandbox.github_emulator import GitHubEmulator, GitHubEmulatorConfig
from github_issue_analysis_sandbox.server import BackgroundServer

from .conftest import TOKEN, labs_world

if __name__ == "__main__":
    emulator = GitHubEmulator(labs_world(int(sys.argv[2])), GitHubEmulatorConfig(valid_tokens=[TOKEN]))
    with BackgroundServer(emulator.app, int(sys.argv[1])):
        while True:
            time.sleep(3600)
