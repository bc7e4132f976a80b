"""Photos people send (a complaint's, an inspection's evidence): checked, cleaned, then kept.

A photo is taken only when its bytes are a JPEG, PNG or WebP image of the type it was declared as, within
the size and pixel limits. What is kept is re-encoded from the pixels: turned upright as the camera
recorded it, at most ``LONGEST_SIDE`` pixels long, and without its metadata — a phone's EXIF carries the
place it was taken (a resident's home) and the device, which nobody reading a case needs.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from wuye_chassis.errors import InvalidArgument

RULE = "photos"
#: a phone camera's full-size JPEG is 3–8 MB
MAX_PHOTO_BYTES = 10 * 1024 * 1024
#: beyond this the decoded image alone would take ~160 MB: a decompression bomb, not a photo
MAX_PIXELS = 40_000_000
LONGEST_SIDE = 2560
#: Pillow's format name → the content type it is kept and served as
TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    width: int
    height: int
    sha256: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def clean_photo(content: bytes, declared_type: str, *, field: str = "content") -> CleanPhoto:
    """The photo as it is kept; INVALID_ARGUMENT naming ``field`` (or content_type) when it is not one."""
    declared = declared_type.split(";")[0].strip().lower()
    if declared not in EXTENSIONS:
        raise InvalidArgument(
            f"a photo must be JPEG, PNG or WebP (image/jpeg, image/png, image/webp), not {declared or 'untyped'}",
            field="content_type", rule=RULE,
        )
    if not content:
        raise InvalidArgument("the photo is empty", field=field, rule=RULE)
    if len(content) > MAX_PHOTO_BYTES:
        raise InvalidArgument(
            f"a photo is at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB; this one is {len(content):,} bytes",
            field=field, rule=RULE,
        )
    image = _opened(content, field=field)
    found = TYPES.get(image.format or "")
    if found is None:
        raise InvalidArgument(f"a photo must be JPEG, PNG or WebP, not {image.format}", field=field, rule=RULE)
    if found != declared:
        raise InvalidArgument(f"the photo was sent as {declared} but is {found}", field="content_type", rule=RULE)
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    kept = io.BytesIO()
    if found == "image/jpeg":
        upright.convert("RGB").save(kept, "JPEG", quality=85, optimize=True)
    elif found == "image/png":
        upright.save(kept, "PNG", optimize=True)
    else:
        upright.save(kept, "WEBP", quality=85)
    data = kept.getvalue()
    return CleanPhoto(data, found, upright.width, upright.height, hashlib.sha256(data).hexdigest())


def _opened(content: bytes, *, field: str) -> Image.Image:
    """The decoded image; refused when the bytes are no image, a truncated one, or a decompression bomb."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(content))
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidArgument(
                    f"a photo is at most {MAX_PIXELS:,} pixels; this one is {probe.width}×{probe.height}",
                    field=field, rule=RULE,
                )
            probe.verify()  # checks the file's structure; the image must be opened again to be decoded
            image = Image.open(io.BytesIO(content))
            image.load()
            return image
    except InvalidArgument:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise InvalidArgument(f"the photo cannot be read as an image ({type(error).__name__})",
                              field=field, rule=RULE) from None
