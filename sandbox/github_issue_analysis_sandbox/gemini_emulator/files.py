"""The Files API as the SDK uses it: resumable uploads, file metadata and the download of generated files.

An upload starts with `POST /upload/{version}/files` (`X-Goog-Upload-Protocol: resumable`,
`X-Goog-Upload-Command: start`, the size and type in `X-Goog-Upload-Header-Content-*`, the file's metadata
as JSON); the answer's `X-Goog-Upload-URL` header is where the bytes go, in chunks (`X-Goog-Upload-Command:
upload`, then `upload, finalize` with the last one, each at its `X-Goog-Upload-Offset`). The upload id in
that URL is the credential: chunk requests carry no key, as with the real service.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from .errors import invalid
from .state import rfc3339


@dataclass
class FileRecord:
    id: str
    display_name: str | None
    mime_type: str
    content: bytes
    created: float
    expires: float
    generated: bool = False
    """True for a batch's output file (downloadable); False for an upload (not downloadable)."""

    @property
    def name(self) -> str:
        return f"files/{self.id}"

    def to_api(self, base_url: str, version: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            **({"displayName": self.display_name} if self.display_name else {}),
            "mimeType": self.mime_type,
            "sizeBytes": str(len(self.content)),
            "createTime": rfc3339(self.created),
            "updateTime": rfc3339(self.created),
            "expirationTime": rfc3339(self.expires),
            "sha256Hash": base64.b64encode(hashlib.sha256(self.content).hexdigest().encode()).decode(),
            "uri": f"{base_url}/{version}/{self.name}",
            "state": "ACTIVE",
            "source": "GENERATED" if self.generated else "UPLOADED",
        }
        if self.generated:
            data["downloadUri"] = f"{base_url}/download/{version}/{self.name}:download?alt=media"
        return data


@dataclass
class UploadSession:
    """A resumable upload between its start and its finalize."""

    id: str
    display_name: str | None
    mime_type: str
    size: int
    received: bytearray = field(default_factory=bytearray)

    def append(self, offset: int, chunk: bytes) -> None:
        if offset != len(self.received):
            raise invalid(f"Upload offset {offset} does not match the {len(self.received)} bytes received so far.")
        if len(self.received) + len(chunk) > self.size:
            raise invalid(f"The upload is larger than the {self.size} bytes announced at its start.")
        self.received.extend(chunk)


def start_metadata(body: Any) -> tuple[str | None, str | None]:
    """`displayName` and `mimeType` from the start request's `{"file": {...}}` (either may be absent)."""
    if body is None:
        return None, None
    if not isinstance(body, dict) or not isinstance(body.get("file", {}), dict):
        raise invalid('Invalid JSON payload received: expected {"file": {...}}.')
    file = body.get("file", {})
    display, mime = file.get("displayName", file.get("display_name")), file.get("mimeType", file.get("mime_type"))
    return (display if isinstance(display, str) else None), (mime if isinstance(mime, str) else None)
