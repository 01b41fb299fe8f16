"""The labels' font: DejaVu Sans (Debian's fonts-dejavu-core), with Latin, Greek and Cyrillic."""

from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@cache
def registered():
    """The font's name in reportlab, registered on first use (a PDF embeds the glyphs it uses)."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", PATH))
    return "DejaVuSans"


def width(text, size):
    """The advance width of `text` at font size `size`, in the unit of `size`."""
    return pdfmetrics.stringWidth(text, registered(), size)
