"""Where a label's QR code, Code 128 and text go: millimetres from its top left corner.

The QR code stands at the left, as tall as the label allows; Code 128 is at the top right when it
fits there at a scannable width (else the QR code alone carries the barcode); the text lines fill
what is left, cut to fit. Sizes snap to a grid of printer dots (`dot`, in mm), so each module is a
whole number of dots.
"""

import math
from bisect import bisect_left

from . import symbols
from .items import qr_content

INSET = 1.0  # no mark nearer the label's edge: die cuts, rolls and printers are not exact
QR_QUIET, BAR_QUIET = 4, 10  # modules of white around a QR code and left and right of Code 128
QR_MODULE = (0.25, 0.5)  # mm: the smallest that reads at 300 dpi, the largest worth the space
BAR_MODULE = (0.19, 0.33)  # mm: Code 128's narrowest bar (its X-dimension)
BAR_SHARE = 0.4  # of the height inside the inset, for the bars
GAP = 0.5  # mm between bars and text
TEXT_SIZE = (1.25, 2.8)  # mm, the font's em: about 3.5 pt to 8 pt
LINE, ASCENT = 1.17, 0.93  # ems from baseline to baseline, and from a line's top to its baseline
ELLIPSIS = "…"


def up(length, dot):
    """`length` rounded up to whole dots."""
    return math.ceil(length / dot - 1e-9) * dot


def down(length, dot):
    """`length` rounded down to whole dots."""
    return math.floor(length / dot + 1e-9) * dot


def steps(low, high, dot):
    """Whole dots from `high` down to `low`."""
    return [k * dot for k in range(round(down(high, dot) / dot), round(up(low, dot) / dot) - 1, -1)]


def bar_module(label_width, qr_right, module, bar_count, dot):
    """The widest Code 128 module that fits right of the QR code, quiet zones kept, or None.

    The right quiet zone (10 modules, over 1.9 mm) may reach the label's edge, since it is white.
    """
    if bar_count is None:
        return None
    fits = (
        x
        for x in steps(*BAR_MODULE, dot)
        if qr_right + max(QR_QUIET * module, BAR_QUIET * x) + bar_count * x <= label_width - BAR_QUIET * x
    )
    return next(fits, None)


def cut(text, width, size, measure):
    """`text`, or its longest start that fits `width` followed by an ellipsis ("" if none does)."""
    if measure(text, size) <= width:
        return text
    count = bisect_left(range(len(text)), True, key=lambda n: measure(text[:n] + ELLIPSIS, size) > width)
    return text[: count - 1].rstrip() + ELLIPSIS if count else ""


def place_text(lines, box, *, measure, dot):
    """Each line that fits in `box` (left, top, right, bottom), at one size and cut to its width."""
    left, top, right, bottom = box
    size = min(TEXT_SIZE[1], max(TEXT_SIZE[0], (bottom - top) / (LINE * len(lines))))
    size = down(size, dot)
    shown = lines[: max(0, int((bottom - top) / (LINE * size) + 1e-9))]
    return [
        (left, top + (index * LINE + ASCENT) * size, size, cut(line, right - left, size, measure))
        for index, line in enumerate(shown)
    ]


def plan(width, height, qr_count, bar_count, lines, *, measure, dot):
    """The places of a label's parts: {"qr": (x, y, module), "bars": (x, y, module, height) or None,
    "text": [(x, baseline, size, text)]}.

    `qr_count` is the QR code's modules on a side, `bar_count` Code 128's modules (None without it),
    `measure(text, size)` the width of text at a font size. The QR code shrinks, down to QR_MODULE's
    smallest, to make room for Code 128; if even then Code 128 does not fit, the QR code alone
    carries the barcode (a 40-digit barcode on a 38 x 13 mm label, for example).
    """
    largest = min(QR_MODULE[1], (height - 2 * INSET) / qr_count, height / (qr_count + 2 * QR_QUIET))
    choices = [
        (q, bar_module(width, up(max(INSET, QR_QUIET * q), dot) + qr_count * q, q, bar_count, dot))
        for q in steps(min(QR_MODULE[0], largest), largest, dot) or [dot]
    ]
    q, x = next((choice for choice in choices if choice[1]), choices[0])
    left = up(max(INSET, QR_QUIET * q), dot)
    qr_right = left + qr_count * q
    top, bars = INSET, None
    if x:
        bar_left = up(qr_right + max(QR_QUIET * q, BAR_QUIET * x), dot)
        bars = (bar_left, INSET, x, down(BAR_SHARE * (height - 2 * INSET), dot))
        top += bars[3] + GAP
    return {
        "qr": (left, up((height - qr_count * q) / 2, dot), q),
        "bars": bars,
        "text": place_text(
            lines, (qr_right + QR_QUIET * q, top, width - INSET, height - INSET), measure=measure, dot=dot
        ),
    }


def drawing(item, layout, qr_url, *, measure, dot):
    """A label as dark rectangles (x, y, width, height) and text (x, baseline, size, text), in mm."""
    matrix = symbols.qr(qr_content(item["barcode"], qr_url))
    pattern = symbols.bars(item["barcode"])
    where = plan(
        layout["label_width_mm"],
        layout["label_height_mm"],
        len(matrix),
        pattern and len(pattern),
        [item["barcode"], *item["lines"]],
        measure=measure,
        dot=dot,
    )
    x, y, q = where["qr"]
    rects = [
        (x + start * q, y + row * q, length * q, q)
        for row, line in enumerate(matrix)
        for start, length in symbols.runs(line)
    ]
    if where["bars"]:
        x, y, module, tall = where["bars"]
        rects += [(x + start * module, y, length * module, tall) for start, length in symbols.runs(pattern)]
    return rects, where["text"]
