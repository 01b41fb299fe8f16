"""Labels as ZPL II for Zebra (and compatible) thermal printers: the printer draws the symbols.

The QR code's data is sent as bytes (^BQ's manual byte mode, "MM,Bnnnn"): automatic input cannot
carry bytes 0x80-0x9F and 0xE0-0xFF, which UTF-8 uses. ^BQ sends no ECI marker; many readers take
such bytes as UTF-8. Text is set in the printer's scalable font 0 (^A0, a condensed face) and cut to
the width DejaVu Sans would take; font 0 lacks Greek and Cyrillic on many printers.
"""

from . import fonts, symbols
from .items import qr_content
from .plan import plan

# ^BC field data: start codes, subset switches, and the three characters that are invocation codes
# in subsets A and B (^, > and ~), each by its symbol value.
BC_START = {103: ">9", 104: ">:", 105: ">;"}
BC_SWITCH = {99: ">5", 100: ">6", 101: ">7"}
BC_SPECIAL = {62: "><", 30: ">0", 94: ">="}
SAFE = {chr(code) for code in range(32, 127)} - set("^_~")


def escape(text):
    """Field data for ^FH: `^`, `~`, `_` and all beyond printable ASCII as _XX, a UTF-8 byte each."""
    return "".join(
        char if char in SAFE else "".join(f"_{byte:02X}" for byte in char.encode()) for char in text
    )


def bc_data(barcode):
    """^BC field data (mode N) that makes the same Code 128 symbol as the encoder's, subsets and all."""
    values = symbols.bar_values(barcode)
    data, subset_c = [BC_START[values[0]]], values[0] == 105
    for value in values[1:]:
        if value in BC_SWITCH:
            data.append(BC_SWITCH[value])
            subset_c = value == 99
        else:
            data.append(f"{value:02d}" if subset_c else BC_SPECIAL.get(value, chr(value + 32)))
    return "".join(data)


def label(item, layout, dpi, qr_url):
    """One ^XA ... ^XZ block: UTF-8 (^CI28), the label's size in dots, the symbols and the text."""
    per_mm = dpi / 25.4

    def dots(length):
        return round(length * per_mm)

    content = qr_content(item["barcode"], qr_url)
    pattern = symbols.bars(item["barcode"])
    width, height = layout["label_width_mm"], layout["label_height_mm"]
    lines = [item["barcode"], *item["lines"]]
    bar_count = pattern and len(pattern)
    where = plan(
        width, height, symbols.qr_size(content), bar_count, lines, measure=fonts.width, dot=1 / per_mm
    )
    x, y, module = where["qr"]
    qr_data = f"MM,B{len(content.encode()):04d}{escape(content)}"  # level M, manual input: bytes
    fields = [f"^FO{dots(x)},{dots(y)}^BQN,2,{dots(module)}^FH^FD{qr_data}^FS"]
    if where["bars"]:
        x, y, module, tall = where["bars"]
        data = escape(bc_data(item["barcode"]))
        fields.append(f"^FO{dots(x)},{dots(y)}^BY{dots(module)}^BCN,{dots(tall)},N,N,N^FH^FD{data}^FS")
    fields += [
        f"^FT{dots(x)},{dots(baseline)}^A0N,{dots(size)},{dots(size)}^FH^FD{escape(text)}^FS"
        for x, baseline, size, text in where["text"]
    ]
    header = ["^XA", "^CI28", f"^PW{dots(width)}", f"^LL{dots(height)}", "^LH0,0"]
    return "\n".join([*header, *fields, "^XZ", ""])


def zpl(items, layout, dpi=203, qr_url=None, copies=1):
    """Each item's label `copies` times, in order, as text to send to the printer as it is."""
    return "".join(label(item, layout, dpi, qr_url) * copies for item in items)
