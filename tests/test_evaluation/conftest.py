"""The emulator fixtures of tests/test_ai (OpenAI) and tests/test_labels (GitHub), shared here."""

from tests.test_ai.conftest import sandbox, seeded
from tests.test_labels.conftest import rig

__all__ = ["rig", "sandbox", "seeded"]
