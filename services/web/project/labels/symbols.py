"""The two symbols on a label, from maintained encoders: QR codes (segno) and Code 128 (python-barcode)."""

from itertools import groupby

import segno
from barcode import Code128
from segno import consts, encoder


def qr(content):
    """A QR code's modules (rows of 0 and 1, no quiet zone): UTF-8, with an ECI marker unless ASCII."""
    return segno.make_qr(content, error="m", encoding="utf-8", eci=not content.isascii()).matrix


def qr_size(content):
    """Modules on a side of the QR code that ZPL's ^BQ makes of `content`: UTF-8 bytes, level M.

    It asks segno's encoder for the version alone, at a fortieth of the cost of a whole symbol.
    """
    segments = encoder.prepare_data(content, consts.MODE_BYTE, "utf-8")
    return 17 + 4 * encoder.find_version(segments, consts.ERROR_LEVEL_M, eci=False, micro=False)


def encodable(barcode):
    """Whether Code 128 holds the barcode as it is: printable ASCII only."""
    return barcode.isascii() and barcode.isprintable()


def bars(barcode):
    """Code 128's modules (1 a bar, 0 a space) from start to stop code, or None if not encodable."""
    return [int(bit) for bit in Code128(barcode).build()[0]] if encodable(barcode) else None


def bar_values(barcode):
    """Code 128's symbol values: the start code, subset switches and data, without the check value."""
    return Code128(barcode).encoded


def runs(row):
    """(start, length) of each run of dark modules in a row."""
    start = 0
    for dark, group in groupby(row):
        length = len(list(group))
        if dark:
            yield start, length
        start += length
