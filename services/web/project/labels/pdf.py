"""Labels as one PDF: a page per roll label, or sheets filled row by row."""

import io

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from . import fonts
from .layouts import page_size, slots
from .plan import drawing

DOT = 25.4 / 1200  # mm: sizes snap to a 1200 dpi grid, which is as good as free


def pdf(items, layout, qr_url=None, copies=1):
    """Each item's label `copies` times, in order; the font's glyphs are embedded."""
    page_width, page_height = page_size(layout)
    corners = slots(layout)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(page_width * mm, page_height * mm), invariant=True)
    drawings = (drawing(item, layout, qr_url, measure=fonts.width, dot=DOT) for item in items)
    for index, (rects, texts) in enumerate(label for label in drawings for _ in range(copies)):
        if index and not index % len(corners):
            canvas.showPage()
        left, top = corners[index % len(corners)]
        path = canvas.beginPath()
        for x, y, width, height in rects:
            path.rect((left + x) * mm, (page_height - top - y - height) * mm, width * mm, height * mm)
        canvas.drawPath(path, stroke=0, fill=1)
        for x, baseline, size, text in texts:
            canvas.setFont(fonts.registered(), size * mm)
            canvas.drawString((left + x) * mm, (page_height - top - baseline) * mm, text)
    canvas.save()
    return out.getvalue()
