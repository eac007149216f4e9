"""An emulator of Gemini batch mode (and live generateContent and the Files API), served by `create_gemini_app`."""

from .app import create_gemini_app
from .config import GeminiEmulatorConfig
from .emulator import GeminiEmulator
from .state import BatchState

__all__ = ["BatchState", "GeminiEmulator", "GeminiEmulatorConfig", "create_gemini_app"]
