"""Field encryption at rest and keyed hashes for look-ups.

AES-256-GCM with a random nonce per value (so equal values encrypt differently), and
HMAC-SHA256 "blind index" hashes so duplicates and look-ups work without decrypting.
Both keys are derived from one secret with HKDF, each for its own purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from creditline.errors import ValidationError

log = logging.getLogger(__name__)
KEY_FILE = "creditline.key"
_PREFIX = "v1:"


class KeySettingError(ValidationError, ValueError):
    """A key setting breaks a rule: named like any bad input (the CLI exits 2 naming the
    variable), and still a ``ValueError`` for code that expects one."""


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"creditline", info=purpose).derive(secret)


class FieldCipher:
    """Encrypts and hashes personal fields with keys derived from one secret."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 16:
            raise KeySettingError("CREDITLINE_SECRET_KEY", "must be at least 16 characters")
        raw = secret.encode()
        self._aead = AESGCM(_derive(raw, b"field-encryption"))
        self._mac_key = _derive(raw, b"blind-index")

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        ct = self._aead.encrypt(nonce, plaintext.encode(), None)
        return _PREFIX + base64.urlsafe_b64encode(nonce + ct).decode()

    def decrypt(self, token: str) -> str:
        if not token.startswith(_PREFIX):
            raise ValueError("unknown ciphertext format")
        blob = base64.urlsafe_b64decode(token[len(_PREFIX):])
        return self._aead.decrypt(blob[:12], blob[12:], None).decode()

    def blind_index(self, value: str) -> str:
        return hmac.new(self._mac_key, value.encode(), hashlib.sha256).hexdigest()


def load_secret(configured: str | None, data_dir: Path) -> str:
    """The configured secret, or one kept in ``data_dir/creditline.key`` (created with a
    warning on first use: losing that file makes stored identities unreadable)."""
    if configured:
        return configured
    path = data_dir / KEY_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    log.warning("CREDITLINE_SECRET_KEY is not set; created key file %s — back it up, "
                "without it encrypted identity numbers and phones cannot be read", path)
    return secret


AUDIT_KEY_FILE = "creditline-audit.key"


def load_audit_key(configured: str | None, data_dir: Path, data_secret: str) -> str:
    """The audit chain's key: ``CREDITLINE_AUDIT_KEY``, else ``data_dir/creditline-audit.key``
    (created on first use, beside the data key).  Kept apart from the data key so that whoever
    may decrypt identities cannot also rewrite the audit log, and refused when it equals it."""
    if configured:
        secret = configured
    else:
        path = data_dir / AUDIT_KEY_FILE
        if path.exists():
            secret = path.read_text().strip()
        else:
            data_dir.mkdir(parents=True, exist_ok=True)
            secret = secrets.token_urlsafe(48)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secret)
            log.warning("CREDITLINE_AUDIT_KEY is not set; created key file %s — back it up "
                        "and keep it apart from the data key: without it the audit log "
                        "cannot be verified", path)
    if len(secret) < 16:
        raise KeySettingError("CREDITLINE_AUDIT_KEY", "must be at least 16 characters")
    if hmac.compare_digest(secret.encode(), data_secret.encode()):
        raise KeySettingError("CREDITLINE_AUDIT_KEY", "must differ from CREDITLINE_SECRET_KEY")
    return secret
