"""The product's wheel carries the product only: no emulator module (they are the sandbox distribution,
github-issue-analysis-sandbox, in sandbox/) and none of their dependencies (graphql-core); the sandbox is an
extra."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def build_product_wheel(out: Path) -> Path:
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    subprocess.run(
        [uv, "build", "--wheel", "--package", "github-issue-analysis", "--out-dir", str(out), "--quiet"],
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    (wheel,) = out.glob("github_issue_analysis-*.whl")
    return wheel


@pytest.mark.slow
def test_the_product_wheel_holds_no_emulator_and_does_not_require_graphql(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_product_wheel(tmp_path)) as wheel:
        names = wheel.namelist()
        (metadata_name,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(wheel.read(metadata_name).decode())
    assert metadata["Name"] == "github-issue-analysis"
    packages = {name.split("/")[0] for name in names}
    assert packages == {"github_issue_analysis", metadata_name.split("/")[0]}, packages
    emulators = [name for name in names if "_emulator" in name or "/sandbox/" in name]
    assert emulators == []
    assert "github_issue_analysis/cli/sandbox.py" in names  # the command that starts them, when installed
    requires = metadata.get_all("Requires-Dist") or []
    assert not [r for r in requires if r.startswith("graphql")], requires
    assert 'github-issue-analysis-sandbox; extra == "sandbox"' in [r.replace("'", '"') for r in requires]
