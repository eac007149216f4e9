"""MkDocs hook: a placeholder for a page another branch writes, so `mkdocs build --strict` passes before it lands.

`docs/architecture.md` is in the nav and written separately; until it exists this hook serves a short page
saying so. Once the file is in `docs/` the hook does nothing (and may be removed)."""

from __future__ import annotations

from typing import Any

PENDING = {
    "architecture.md": "# Architecture\n\nThe layers of the package, where each concept lives and how to add a "
    "provider or a processor: this page is being written.\n",
}


def on_files(files: Any, config: Any, **_: Any) -> Any:
    from mkdocs.structure.files import File

    for src_uri, content in PENDING.items():
        if files.get_file_from_path(src_uri) is None:
            files.append(File.generated(config, src_uri, content=content))
    return files
