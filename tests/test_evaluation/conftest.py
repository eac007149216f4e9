"""The emulator fixtures of tests/test_ai, shared here."""

from tests.test_ai.conftest import sandbox, seeded

__all__ = ["sandbox", "seeded"]
