"""Local emulators of the OpenAI, Anthropic and Gemini batch APIs and of GitHub, served on loopback.

`running_emulators()` starts all four (the demo's keys and world) and gives their URLs; each emulator's own
package (`openai_emulator`, `anthropic_emulator`, `gemini_emulator`, `github_emulator`) builds one app, and
`server.BackgroundServer` serves any of them. `testing` is a pytest plugin with served emulators. Nothing here
imports github_issue_analysis, the product these emulators serve.

`__version__` is the one place the version is written (the package metadata reads it)."""

from .running import DEMO_API_KEY, DEMO_GITHUB_TOKEN, DEMO_ORG, EmulatorUrls, running_emulators

__version__ = "0.1.0"

__all__ = ["DEMO_API_KEY", "DEMO_GITHUB_TOKEN", "DEMO_ORG", "EmulatorUrls", "__version__", "running_emulators"]
