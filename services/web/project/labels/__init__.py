"""Printable labels for tubes, boxes and racks: plain dicts in, PDF, PNG or ZPL out.

An item is {"kind": "container" | "box" | "rack", "barcode": str, "lines": [str, ...]} (see
`item`); a layout is one of LAYOUTS. Each label carries a QR code of `qr_content(barcode, qr_url)`,
Code 128 of the barcode where it fits and can hold it, the barcode as text, and the item's lines,
cut to fit. No HTTP and no database here.
"""

from .items import item, qr_content
from .layouts import BY_NAME, LAYOUTS, PDF_DEFAULT, ZPL_DEFAULT, public
from .pdf import pdf
from .png import png
from .zpl import zpl

__all__ = [
    "BY_NAME",
    "LAYOUTS",
    "PDF_DEFAULT",
    "ZPL_DEFAULT",
    "item",
    "pdf",
    "png",
    "public",
    "qr_content",
    "zpl",
]
