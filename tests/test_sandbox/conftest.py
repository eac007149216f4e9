"""The session's OpenAI emulator on loopback (tests/conftest.py), reset for each test, with a fake clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from github_issue_analysis_sandbox.openai_emulator import EmulatorConfig, OpenAIEmulator
from openai import OpenAI
from openai.types import Batch

from tests.clock import FakeClock

API_KEY = "sk-sandbox-test"
START = 1_800_000_000.0


@dataclass
class Sandbox:
    emulator: OpenAIEmulator
    clock: FakeClock
    url: str
    client: OpenAI

    @property
    def config(self) -> EmulatorConfig:
        return self.emulator.config

    def upload(self, lines: list[dict[str, Any]] | list[str], filename: str = "input.jsonl") -> str:
        text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
        return self.client.files.create(file=(filename, text.encode()), purpose="batch").id

    def create(
        self, lines: list[dict[str, Any]] | list[str], endpoint: Any = "/v1/chat/completions", **extra: Any
    ) -> Batch:
        file_id = self.upload(lines)
        return self.client.batches.create(input_file_id=file_id, endpoint=endpoint, completion_window="24h", **extra)

    def jsonl(self, file_id: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.client.files.content(file_id).text.splitlines()]


def fast_config(clock: FakeClock) -> EmulatorConfig:
    """A 1 s validating, 10 s in progress, 1 s finalizing, 1 s cancelling schedule on the fake clock."""
    return EmulatorConfig(
        api_key=API_KEY,
        clock=clock,
        validating_seconds=1,
        processing_seconds=10,
        finalizing_seconds=1,
        cancelling_seconds=1,
        retry_after_seconds=0.01,
    )


@pytest.fixture
def sandbox(served_openai: tuple[OpenAIEmulator, str]) -> Iterator[Sandbox]:
    emulator, url = served_openai
    clock = FakeClock(START)
    emulator.config = fast_config(clock)
    emulator.reset()
    client = OpenAI(api_key=API_KEY, base_url=f"{url}/v1", max_retries=0)
    yield Sandbox(emulator, clock, url, client)
    client.close()
