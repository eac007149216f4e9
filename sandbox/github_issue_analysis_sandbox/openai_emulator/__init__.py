"""An emulator of the OpenAI Files and Batch APIs, served by `create_openai_app` (see DESIGN.md, Sandbox)."""

from .app import create_openai_app
from .config import EmulatorConfig
from .emulator import OpenAIEmulator
from .state import BatchStatus

__all__ = ["BatchStatus", "EmulatorConfig", "OpenAIEmulator", "create_openai_app"]
