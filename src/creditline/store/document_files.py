"""The folder adapter of ``documents.ports.DocumentStore``: each file at
``<root>/<first two hex digits>/<sha256>``, written to a temporary file in the same folder,
flushed to disk and renamed into place, so a reader never sees half a file and a crash
leaves at most a ``.part`` file.  The default root is a ``documents/`` folder beside the
embedded SQLite database (``CREDITLINE_DOCUMENTS_DIR`` moves it); production puts an object
store behind the same port."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_HEX64 = re.compile(r"[0-9a-f]{64}")


class FolderDocumentStore:
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self._max_bytes = max_bytes

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    def _path(self, sha256: str) -> Path:
        if not _HEX64.fullmatch(sha256):  # never a path built from anything else
            raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, content: bytes) -> bool:
        path = self._path(sha256)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{sha256[:8]}-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def get(self, sha256: str) -> bytes | None:
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def remove(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)
