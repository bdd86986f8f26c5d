"""Versioned data folders: a ``manifest.json`` naming a version and the files it lists, and
an identity = that version plus a SHA-256 over the manifest and every listed file, byte for
byte.  The policy ruleset (``policy/ruleset.py``) and the product catalogue
(``products/catalog.py``) are both read this way, so every decision or line can record
``version+hash12`` of the data that shaped it, and two folders with the same hash are the
same data (DESIGN principle 6: rules are data, every decision records which version decided).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from creditline.errors import ValidationError

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class VersionedFolder:
    """A folder as read: its manifest, the listed files (name, parsed JSON) in manifest
    order, and its identity."""

    version: str
    hash: str
    folder: Path
    manifest: dict[str, Any] = field(repr=False)
    files: tuple[tuple[str, Any], ...] = field(repr=False)

    @property
    def label(self) -> str:
        """``version+hash12``: what a decision or a line records."""
        return f"{self.version}+{self.hash[:12]}"


def read_json(path: Path, what: str) -> tuple[bytes, Any]:
    """The bytes (for the hash) and the parsed document; errors name the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(what, f"{path} does not exist") from None
    try:
        return raw, json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationError(what, f"{path.name} is not valid JSON: {exc}") from None


def read_versioned(folder: Path | str, *, files_key: str, what: str) -> VersionedFolder:
    """Read ``folder/manifest.json`` (a string ``version`` and a non-empty list of file names
    under ``files_key``) and every file it lists.  ``what`` is the field errors name."""
    root = Path(folder)
    raw_manifest, manifest = read_json(root / MANIFEST, what)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("version"), str):
        raise ValidationError(what, f"{MANIFEST} needs a string 'version'")
    names = manifest.get(files_key)
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ValidationError(what, f"{MANIFEST} needs a non-empty '{files_key}' list of file names")
    digest = hashlib.sha256()
    digest.update(b"manifest\0" + raw_manifest + b"\0")
    docs = []
    for name in names:
        raw, doc = read_json(root / name, what)
        digest.update(name.encode() + b"\0" + raw + b"\0")
        docs.append((name, doc))
    return VersionedFolder(version=manifest["version"], hash=digest.hexdigest(), folder=root,
                           manifest=manifest, files=tuple(docs))
