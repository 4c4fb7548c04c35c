"""Object storage for uploads and the media gallery (local filesystem backend)."""
from __future__ import annotations

import hashlib
import mimetypes
import os
import uuid
from pathlib import Path
from typing import BinaryIO, Optional, Tuple

UPLOAD_ROOT = Path(os.getenv("UPLOAD_ROOT", "./uploads"))
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class StorageError(Exception):
    pass


def store_file(stream: BinaryIO, filename: str, brand_id: str) -> Tuple[str, int, str]:
    key = f"{brand_id}/{uuid.uuid4().hex}/{Path(filename).name}"
    target = UPLOAD_ROOT / key
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    digest = hashlib.sha256()
    with target.open("wb") as fh:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                fh.close()
                target.unlink(missing_ok=True)
                raise StorageError("file too large")
            digest.update(chunk)
            fh.write(chunk)
    return key, size, digest.hexdigest()


def guess_mime(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def public_url(key: str, base: Optional[str] = None) -> str:
    return f"{(base or '/media').rstrip('/')}/{key}"
