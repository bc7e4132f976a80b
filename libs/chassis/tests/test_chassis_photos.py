"""Photos (issue 15): what is taken, what is kept, and the stores they are kept in (a folder, S3)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.support import GPS_IFD, phone_photo
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.objects import FolderStore, S3Store, object_store
from wuye_chassis.photos import LONGEST_SIDE, MAX_PHOTO_BYTES, clean_photo
from wuye_chassis.settings import PhotoSettings


def refusal(content: bytes, content_type: str) -> InvalidArgument:
    with pytest.raises(InvalidArgument) as refused:
        clean_photo(content, content_type)
    assert refused.value.rule == "photos"
    return refused.value


def test_photos_a_phone_photo_is_kept_upright_smaller_and_without_where_it_was_taken() -> None:
    # held sideways (orientation 6: turn 90° clockwise to view): 4000×3000 stored, 3000×4000 seen
    kept = clean_photo(phone_photo(orientation=6), "image/jpeg")
    assert (kept.width, kept.height) == (LONGEST_SIDE * 3 // 4, LONGEST_SIDE)
    reopened = Image.open(io.BytesIO(kept.content))
    assert reopened.format == "JPEG" and reopened.size == (kept.width, kept.height)
    assert dict(reopened.getexif()) == {}, "no EXIF at all: no place, no device, no orientation left to apply"
    assert kept.content_type == "image/jpeg" and kept.extension == "jpg" and len(kept.sha256) == 64


def test_photos_a_small_png_and_a_webp_keep_their_type_and_size() -> None:
    png = clean_photo(phone_photo(640, 480, kind="PNG"), "image/png")
    assert (png.content_type, png.width, png.height) == ("image/png", 640, 480)
    webp = clean_photo(phone_photo(800, 600, kind="WEBP"), "image/webp; charset=binary")
    assert (webp.content_type, webp.width, webp.height) == ("image/webp", 800, 600)
    assert Image.open(io.BytesIO(webp.content)).getexif().get(GPS_IFD) is None


def test_photos_what_is_not_a_photo_of_its_declared_type_is_refused_naming_the_field() -> None:
    assert refusal(b"GIF89a" + b"\0" * 50, "image/gif").field == "content_type"
    assert refusal(phone_photo(64, 64), "").field == "content_type"
    assert refusal(phone_photo(64, 64, kind="PNG"), "image/jpeg").field == "content_type"
    assert refusal(b"", "image/jpeg").field == "content"
    assert refusal(b"<html>not an image</html>", "image/jpeg").field == "content"
    whole = phone_photo(64, 64)
    assert refusal(whole[: len(whole) // 2], "image/jpeg").field == "content", "a truncated upload"


def test_photos_the_size_limit_is_exact() -> None:
    whole = phone_photo(64, 64)
    # JPEG readers stop at the end-of-image marker, so trailing bytes only make the upload longer
    at_limit = whole + b"\0" * (MAX_PHOTO_BYTES - len(whole))
    assert clean_photo(at_limit, "image/jpeg").width == 64
    assert "at most 10 MB" in refusal(at_limit + b"\0", "image/jpeg").message


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_photos_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    # a valid PNG header announcing 8000×8000 (64 M pixels) over a few bytes of data
    header = struct.pack(">IIBBBBB", 8000, 8000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 100)) + _chunk(b"IEND", b"")
    assert "8000×8000" in refusal(bomb, "image/png").message


async def test_photos_a_folder_store_keeps_whole_objects_and_never_leaves_its_folder(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "objects")
    await store.put("complaint-photos/p-1.jpg", b"one", "image/jpeg")
    await store.put("complaint-photos/p-1.jpg", b"two", "image/jpeg")
    assert await store.get("complaint-photos/p-1.jpg") == b"two"
    assert [path.name for path in (tmp_path / "objects" / "complaint-photos").iterdir()] == ["p-1.jpg"]
    with pytest.raises(KeyError):
        await store.get("complaint-photos/p-2.jpg")
    await store.delete("complaint-photos/p-1.jpg")
    await store.delete("complaint-photos/p-1.jpg")  # gone already: no error
    with pytest.raises(KeyError):
        await store.get("complaint-photos/p-1.jpg")
    for key in ("../escape.jpg", "/etc/passwd.txt", "a/../../b.jpg", "no-extension"):
        with pytest.raises(ValueError):
            await store.put(key, b"x", "image/jpeg")


def test_photos_the_store_is_named_by_its_url(tmp_path: Path) -> None:
    folder = object_store(PhotoSettings(service_name="complaints", object_store_url=f"file://{tmp_path}"))
    assert isinstance(folder, FolderStore) and folder.root == tmp_path
    bucket = object_store(PhotoSettings(object_store_url="s3://wuye-photos/huian",
                                          object_store_endpoint="http://127.0.0.1:9000", object_store_region="cn-east-1"))
    assert isinstance(bucket, S3Store) and (bucket.bucket, bucket.prefix) == ("wuye-photos", "huian")
    with pytest.raises(ValueError, match="WUYE_OBJECT_STORE_URL"):
        object_store(PhotoSettings(object_store_url="ftp://photos"))


async def test_photos_an_s3_compatible_store_keeps_and_gives_back_objects() -> None:
    # moto's server speaks the S3 protocol over HTTP, as MinIO or a cloud's OSS would
    moto_server = pytest.importorskip("moto.server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        settings = PhotoSettings(
            object_store_url="s3://wuye-photos/huian", object_store_endpoint=f"http://{host}:{port}",
            object_store_region="us-east-1", object_store_access_key_id="wuye",
            object_store_secret_access_key="not-a-real-secret",
        )
        store = object_store(settings)
        assert isinstance(store, S3Store)
        store.client.create_bucket(Bucket="wuye-photos")
        await store.put("complaint-photos/p-1.jpg", b"\xff\xd8photo", "image/jpeg")
        assert await store.get("complaint-photos/p-1.jpg") == b"\xff\xd8photo"
        listed = store.client.list_objects_v2(Bucket="wuye-photos")["Contents"]
        assert [item["Key"] for item in listed] == ["huian/complaint-photos/p-1.jpg"]
        head = store.client.head_object(Bucket="wuye-photos", Key="huian/complaint-photos/p-1.jpg")
        assert head["ContentType"] == "image/jpeg"
        with pytest.raises(KeyError):
            await store.get("complaint-photos/missing.jpg")
        await store.delete("complaint-photos/p-1.jpg")
        assert "Contents" not in store.client.list_objects_v2(Bucket="wuye-photos")
    finally:
        server.stop()
