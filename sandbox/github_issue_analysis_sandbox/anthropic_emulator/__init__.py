"""An emulator of Anthropic's Message Batches API (and live Messages), served by `create_anthropic_app`."""

from .app import create_anthropic_app
from .config import AnthropicEmulatorConfig
from .emulator import AnthropicEmulator
from .state import ProcessingStatus

__all__ = ["AnthropicEmulator", "AnthropicEmulatorConfig", "ProcessingStatus", "create_anthropic_app"]
