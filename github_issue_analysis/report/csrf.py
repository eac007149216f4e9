"""CSRF protection for the review app: every state-changing request is a POST carrying a token derived from
a per-process secret (the secret itself never leaves the process), from a page of the same origin."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

FIELD = "csrf_token"
HEADER = "x-csrf-token"


class CsrfGuard:
    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)
        self.token = hmac.new(self._secret, b"gh-analysis serve form", hashlib.sha256).hexdigest()

    def accepts(self, sent: str | None, origin: str | None, host: str | None) -> bool:
        """The token matches and, when the browser names an origin, it is this app's."""
        if not sent or not hmac.compare_digest(sent.encode(), self.token.encode()):
            return False
        return origin is None or urlsplit(origin).netloc == host
