"""A small multipart/form-data reader (the emulator avoids a dependency on python-multipart)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import invalid

_PARAM = re.compile(r'(\w+\*?)=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))')


@dataclass(frozen=True)
class FormPart:
    name: str
    filename: str | None
    data: bytes


def _params(header_value: str) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _PARAM.finditer(header_value)
    }


def _boundary(content_type: str) -> bytes:
    if not content_type.lower().startswith("multipart/form-data"):
        raise invalid("Expected a multipart/form-data request body.")
    boundary = _params(content_type).get("boundary")
    if not boundary:
        raise invalid("The multipart/form-data request has no boundary.")
    return boundary.encode("latin-1")


def _part(raw: bytes) -> FormPart | None:
    head, sep, data = raw.partition(b"\r\n\r\n")
    if not sep:
        return None
    disposition = ""
    for line in head.decode("utf-8", "replace").split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() == "content-disposition":
            disposition = value
    params = _params(disposition)
    if "name" not in params:
        return None
    filename = params.get("filename")
    if filename is None and "filename*" in params:
        filename = params["filename*"].split("''", 1)[-1]
    return FormPart(name=params["name"], filename=filename, data=data)


def parse_form(body: bytes, content_type: str) -> dict[str, FormPart]:
    delimiter = b"--" + _boundary(content_type)
    parts: dict[str, FormPart] = {}
    chunks = body.split(delimiter)
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        part = _part(chunk.removeprefix(b"\r\n").removesuffix(b"\r\n"))
        if part is not None:
            parts[part.name] = part
    return parts
