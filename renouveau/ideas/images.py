"""Checking and re-encoding uploaded photos with Pillow.

A photo is accepted if it is a real JPEG, PNG or WebP image of at most ``MAX_BYTES`` and
``MAX_PIXELS``; it is then re-encoded as a JPEG of at most ``MAX_SIDE`` pixels per side, which
drops every metadata block (EXIF with GPS position, XMP, comments) after applying the EXIF
orientation. Anything else gets a clear French message, never a 500.
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600
FORMATS = {"JPEG", "PNG", "WEBP"}


def photo_clean(uploaded) -> ContentFile:
    if uploaded.size > MAX_BYTES:
        raise ValidationError(
            _("La photo est trop lourde (%(size)s Mo) : 5 Mo au plus.")
            % {"size": f"{uploaded.size / 1024 / 1024:.1f}".replace(".", ",")},
            code="too_large",
        )
    not_an_image = ValidationError(
        _("Ce fichier n'est pas une photo lisible : envoyez une image JPEG, PNG ou WebP."),
        code="invalid_image",
    )
    try:
        uploaded.seek(0)
        data = uploaded.read()
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise not_an_image
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        _("La photo est trop grande (%(w)d × %(h)d pixels).")
                        % {"w": width, "h": height},
                        code="too_many_pixels",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "L"):
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    rgba = image.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    image = background
                elif image.mode == "L":
                    image = image.convert("RGB")
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                output = io.BytesIO()
                image.save(output, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise not_an_image from exc
    return ContentFile(output.getvalue(), name="photo.jpg")
