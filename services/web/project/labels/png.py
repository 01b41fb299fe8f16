"""One label as a PNG image at a printer's resolution, drawn with Pillow (no system libraries)."""

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from . import fonts
from .plan import drawing


@cache
def font(pixels):
    """DejaVu Sans at `pixels` per em, laid out as FreeType's advances say (no shaping)."""
    return ImageFont.truetype(fonts.PATH, pixels, layout_engine=ImageFont.Layout.BASIC)


def png(item, layout, dpi=203, qr_url=None):
    """The item's label (a sheet layout's single label) in grey levels, `dpi` dots per inch."""
    per_mm = dpi / 25.4

    def measure(text, size):
        return font(round(size * per_mm)).getlength(text) / per_mm

    rects, texts = drawing(item, layout, qr_url, measure=measure, dot=1 / per_mm)
    pixels = (round(layout["label_width_mm"] * per_mm), round(layout["label_height_mm"] * per_mm))
    image = Image.new("L", pixels, 255)
    draw = ImageDraw.Draw(image)
    for x, y, width, height in rects:
        left, top = round(x * per_mm), round(y * per_mm)
        draw.rectangle((left, top, left + round(width * per_mm) - 1, top + round(height * per_mm) - 1), 0)
    for x, baseline, size, text in texts:
        draw.text((x * per_mm, baseline * per_mm), text, 0, font(round(size * per_mm)), anchor="ls")
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()
