"""The OpenAI emulator fixtures of tests/test_ai, shared with the hardening tests."""

from tests.test_ai.conftest import sandbox, seeded

__all__ = ["sandbox", "seeded"]
