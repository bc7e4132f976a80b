"""Where a service keeps files (photos): an S3-compatible bucket in production, a local folder by default.

``WUYE_OBJECT_STORE_URL`` names the store: ``s3://bucket/prefix`` (with ``WUYE_OBJECT_STORE_ENDPOINT`` for
any S3-compatible server such as MinIO or a government cloud's OSS, and the access key pair as secrets),
or ``file:///path``; unset, the folder ``./var/objects/<service>``. Objects are never served from the
store directly: a service hands their bytes out after checking who reads the record they belong to, so
the bucket itself stays private.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from wuye_chassis.settings import PhotoSettings

#: keys are made by the services themselves ("<kind>/<id>.<ext>"); anything else is refused, so a key can
#: never climb out of the folder
KEY = re.compile(r"^[a-z0-9_-]+(/[A-Za-z0-9_-]+)*\.[a-z0-9]+$")


class ObjectStore(Protocol):
    async def put(self, key: str, content: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes:
        """The object's bytes; KeyError when there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; one that is not there is no error."""
        ...


def _checked(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError(f"not an object key: {key!r}")
    return key


class FolderStore:
    """Objects as files under ``root`` (one folder per service for ``make run`` and the tests)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    async def put(self, key: str, content: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self.root / _checked(key), content)

    async def get(self, key: str) -> bytes:
        path = self.root / _checked(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise KeyError(key) from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread((self.root / _checked(key)).unlink, missing_ok=True)

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        # written beside and renamed into place: a crash leaves the old object or none, never half of one
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


class S3Store:
    """Objects in an S3-compatible bucket, through boto3 (its calls block, so they run in a thread)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def _name(self, key: str) -> str:
        return f"{self.prefix}/{_checked(key)}" if self.prefix else _checked(key)

    async def put(self, key: str, content: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object, Bucket=self.bucket, Key=self._name(key), Body=content, ContentType=content_type
        )

    async def get(self, key: str) -> bytes:
        def read() -> bytes:
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
            except self.client.exceptions.NoSuchKey:
                raise KeyError(key) from None
            body: bytes = answer["Body"].read()
            return body

        return await asyncio.to_thread(read)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=self._name(key))


def object_store(settings: PhotoSettings) -> ObjectStore:
    """The store ``settings`` name (see the module docstring)."""
    given = settings.object_store_url or f"file://{Path('var', 'objects', settings.service_name).resolve()}"
    parts = urlsplit(given)
    if parts.scheme == "file":
        return FolderStore(Path(parts.path))
    if parts.scheme == "s3" and parts.netloc:
        import boto3  # only a deployment with a bucket needs it loaded

        secret = settings.object_store_secret_access_key
        client = boto3.client(
            "s3",
            endpoint_url=settings.object_store_endpoint or None,
            region_name=settings.object_store_region or None,
            aws_access_key_id=settings.object_store_access_key_id or None,
            aws_secret_access_key=secret.get_secret_value() if secret is not None else None,
        )
        return S3Store(client, parts.netloc, parts.path)
    raise ValueError(f"WUYE_OBJECT_STORE_URL must be s3://bucket[/prefix] or file:///path, not {given!r}")
