"""Install weight: the wheel installed with `uv tool install` into a fresh tool folder (`du` of the folder), the
share of the scientific stack and of the provider SDKs, and what the development tools add to a checkout.
Writes (or replaces) the "Install weight" section of benchmarks/RESULTS.md.

    uv run python benchmarks/install_weight.py
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## Install weight"
GROUPS = {
    "scipy, numpy, scikit-learn (eval, the gate, the local baseline)": (
        "scipy",
        "scipy.libs",
        "numpy",
        "numpy.libs",
        "sklearn",
        "scikit_learn.libs",
    ),
    "provider SDKs (openai, anthropic)": ("openai", "anthropic"),
}


def du_mb(*paths: Path) -> float:
    """Disk usage as `du` counts it (each hard-linked file once), in MB."""
    present = [str(p) for p in paths if p.exists()]
    if not present:
        return 0.0
    out = subprocess.run(["du", "-skc", *present], capture_output=True, text=True, check=True).stdout
    return int(out.splitlines()[-1].split()[0]) / 1024


def uv(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(["uv", *args], cwd=ROOT, check=True, capture_output=True, env={**os.environ, **(env or {})})


def measure(work: Path) -> list[str]:
    uv("build", "--wheel", "--out-dir", str(work / "dist"))
    wheel = next((work / "dist").glob("*.whl"))
    tools = work / "tools"
    uv("tool", "install", str(wheel), env={"UV_TOOL_DIR": str(tools), "UV_TOOL_BIN_DIR": str(work / "bin")})
    site = next(tools.glob("gh-analysis/lib/python*/site-packages"))
    total = du_mb(tools)
    lines = [
        f"| `uv tool install` of the wheel ({wheel.name}, {wheel.stat().st_size / 1024:.0f} KB) | {total:.0f} MB |",
    ]
    for name, packages in GROUPS.items():
        lines.append(f"| of which {name} | {du_mb(*(site / p for p in packages)):.0f} MB |")
    for dev, flag in (("without", "--no-dev"), ("with", "--dev")):
        env = {"UV_PROJECT_ENVIRONMENT": str(work / f"venv-{dev}")}
        uv("sync", "--frozen", flag, env=env)
    extra = du_mb(work / "venv-with") - du_mb(work / "venv-without")
    lines.append(f"| development tools a checkout adds (`uv sync` beside `uv sync --no-dev`) | {extra:.0f} MB |")
    return lines


def stamp() -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    version = subprocess.run(["uv", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit.stdout.strip() or 'unknown'}, {version}"


def write_section(rows: list[str]) -> None:
    section = (
        f"{HEADING}\n\n{stamp()}. Produced by `uv run python benchmarks/install_weight.py` (`du` of a fresh tool "
        "folder; `benchmarks/run.py` rewrites this file, so run this after it).\n\n"
        "| what | size |\n| --- | --- |\n" + "\n".join(rows) + "\n"
    )
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    before, _, after = text.partition(HEADING)
    rest = after.split("\n## ", 1)[1] if "\n## " in after else ""
    RESULTS.write_text(before.rstrip("\n") + "\n\n" + section + (f"\n## {rest}" if rest else ""))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gh-analysis-weight-") as tmp:
        rows = measure(Path(tmp))
    print("\n".join(rows))
    write_section(rows)


if __name__ == "__main__":
    main()
