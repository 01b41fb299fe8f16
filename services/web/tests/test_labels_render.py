"""Labels scan and fit: PDF pages (pdftoppm) and PNG images read back with zbarimg, ZPL parsed."""

import datetime
import io
import math
import os
import re
import shutil
import subprocess

import pytest
from PIL import Image

from project import labels
from project.labels import fonts, layouts, plan, symbols
from project.labels.pdf import DOT as PDF_DOT
from project.labels.zpl import escape

pytestmark = pytest.mark.skipif(
    not os.path.exists(fonts.PATH), reason="DejaVu Sans is missing: apt-get install fonts-dejavu-core"
)

QR_URL = "https://lims.example.org/ui/#/lookup/{barcode}"
BARCODES = ["S000123", "BOX 7 / A", "a^b~c_d>e", "crème é", "ÅSE-12", "1234567890" * 4]
ITEMS = [
    labels.item(
        "container",
        {"barcode": barcode, "sample_type": "Plasma", "description": "x" * 2000, "collected_at": None},
    )
    for barcode in BARCODES[:4]
] + [
    labels.item("box", {"barcode": BARCODES[4], "name": "Коробка с образцами крови, полка 3"}),  # noqa: RUF001 (Cyrillic on purpose)
    labels.item("rack", {"barcode": BARCODES[5], "name": "Ράφι Α, καταψύκτης −80 °C"}),  # noqa: RUF001 (Greek on purpose)
]
LAYOUT_NAMES = [layout["name"] for layout in labels.LAYOUTS]


def need(command, package):
    """Skip the test, naming the Debian package, when a command is not installed."""
    if shutil.which(command) is None:
        pytest.skip(f"{command} is not installed: apt-get install {package}")


def decode(path):
    """The (symbology, text) pairs zbarimg reads in an image.

    Not --raw, which drops the symbology's name: the plain output is UTF-8 all the same, since zbar
    converts by the QR code's ECI marker, so a non-ASCII barcode reads back exactly.
    """
    command = ["zbarimg", "-q", "-Sdisable", "-Sqrcode.enable", "-Scode128.enable", str(path)]
    output = subprocess.run(command, capture_output=True, check=False).stdout.decode()
    return {tuple(line.split(":", 1)) for line in output.splitlines()}


def bars_printed(item, layout, qr_count, dot):
    """Whether the label has room for Code 128 of the item's barcode (and Code 128 can hold it)."""
    pattern = symbols.bars(item["barcode"])
    if pattern is None:
        return False
    width, height = layout["label_width_mm"], layout["label_height_mm"]
    return (
        plan.plan(width, height, qr_count, len(pattern), ["x"], measure=fonts.width, dot=dot)["bars"]
        is not None
    )


def expected(item, layout, qr_url, dot):
    """What a scanner must read on the item's label: the QR code, and Code 128 where it is printed."""
    content = labels.qr_content(item["barcode"], qr_url)
    found = {("QR-Code", content)}
    if bars_printed(item, layout, len(symbols.qr(content)), dot):
        found.add(("CODE-128", item["barcode"]))
    return found


def label_images(document, layout, count, tmp_path):
    """Each label of a PDF as a PNG file, cut from its page rendered at 300 dpi by pdftoppm.

    A sheet is cut into its labels, as a scanner reads one label at a time: zbar finds only some of
    the QR codes when a page holds dozens in a grid.
    """
    (tmp_path / "labels.pdf").write_bytes(document)
    subprocess.run(["pdftoppm", "-r", "300", "-png", tmp_path / "labels.pdf", tmp_path / "page"], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    corners = layouts.slots(layout)
    assert len(pages) == math.ceil(count / len(corners))
    per_mm = 300 / 25.4
    width, height = layout["label_width_mm"], layout["label_height_mm"]
    paths = []
    for index in range(count):
        left, top = corners[index % len(corners)]
        box = [round(length * per_mm) for length in (left, top, left + width, top + height)]
        with Image.open(pages[index // len(corners)]) as page:
            paths.append(tmp_path / f"label-{index}.png")
            page.crop(box).save(paths[-1])
    return paths


@pytest.mark.parametrize("qr_url", [None, QR_URL])
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_every_pdf_label_scans_as_its_barcode(name, qr_url, tmp_path):
    need("pdftoppm", "poppler-utils")
    need("zbarimg", "zbar-tools")
    layout = labels.BY_NAME[name]
    document = labels.pdf(ITEMS, layout, qr_url=qr_url)
    images = label_images(document, layout, len(ITEMS), tmp_path)
    assert [decode(path) for path in images] == [expected(item, layout, qr_url, PDF_DOT) for item in ITEMS]


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("qr_url", [None, QR_URL])
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_every_png_label_scans_as_its_barcode(name, qr_url, dpi, tmp_path):
    need("zbarimg", "zbar-tools")
    layout = labels.BY_NAME[name]
    found = []
    for index, item in enumerate(ITEMS):
        (tmp_path / f"{index}.png").write_bytes(labels.png(item, layout, dpi=dpi, qr_url=qr_url))
        found.append(decode(tmp_path / f"{index}.png"))
    assert found == [expected(item, layout, qr_url, 25.4 / dpi) for item in ITEMS]


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_a_short_barcode_gets_code_128_on_every_layout(name):
    layout = labels.BY_NAME[name]
    qr_count = len(symbols.qr(ITEMS[0]["barcode"]))
    assert all(bars_printed(ITEMS[0], layout, qr_count, dot) for dot in (PDF_DOT, 25.4 / 203, 25.4 / 300))
    assert not bars_printed(ITEMS[3], layout, qr_count, PDF_DOT)


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_a_pdf_fills_roll_pages_or_sheets_in_order_with_its_font_embedded(name):
    layout = labels.BY_NAME[name]
    document = labels.pdf(ITEMS, layout, copies=3)
    pages = len(re.findall(rb"/Type /Page\b", document))
    assert pages == math.ceil(len(ITEMS) * 3 / len(layouts.slots(layout)))
    assert b"/FontFile2" in document  # the TrueType font's glyphs, not a reference to a system font
    width, height = layouts.page_size(layout)
    box = re.search(rb"/MediaBox \[([\d.\s]+)\]", document)[1].split()
    assert [float(number) for number in box] == pytest.approx(
        [0, 0, width / 25.4 * 72, height / 25.4 * 72], abs=0.01
    )


def unhex(data):
    """Field data as ^FH reads it: each _XX is one byte, and the bytes are UTF-8 (^CI28)."""
    return re.sub(rb"_([0-9A-F]{2})", lambda match: bytes([int(match[1], 16)]), data.encode()).decode()


def read_bc(data):
    """The text a ^BC field (mode N) encodes: invocation codes switch subsets or stand for ^, > and ~."""
    text, subset, index = [], "B", 0
    while index < len(data):
        if data[index] == ">":
            code = data[index + 1]
            if code in ":6;5":
                subset = "B" if code in ":6" else "C"
            else:
                text.append({"<": "^", "0": ">", "=": "~"}[code])
            index += 2
        else:
            step = 2 if subset == "C" else 1
            text.append(data[index : index + step])
            index += step
    return "".join(text)


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_zpl_has_a_block_per_label_with_its_size_symbols_and_escaped_data(name, dpi):
    layout = labels.BY_NAME[name]
    document = labels.zpl(ITEMS, layout, dpi=dpi, qr_url=QR_URL, copies=2)
    blocks = re.findall(r"\^XA(.*?)\^XZ", document, re.DOTALL)
    assert len(blocks) == len(ITEMS) * 2 == document.count("^XA") == document.count("^XZ")
    for block, item in zip(blocks, [item for item in ITEMS for _ in range(2)], strict=True):
        assert "^CI28" in block
        assert f"^PW{round(layout['label_width_mm'] / 25.4 * dpi)}" in block
        assert f"^LL{round(layout['label_height_mm'] / 25.4 * dpi)}" in block
        data = re.findall(r"\^FD(.*?)\^FS", block)
        assert block.count("^FD") == len(data) == block.count("^FH^FD")
        assert not any("^" in field or "~" in field for field in data)
        content = labels.qr_content(item["barcode"], QR_URL)
        qr = re.findall(r"\^BQN,2,\d+\^FH\^FD(.*?)\^FS", block)
        assert [unhex(field) for field in qr] == [f"MM,B{len(content.encode()):04d}{content}"]
        bars = [read_bc(unhex(field)) for field in re.findall(r"\^BCN,\d+,N,N,N\^FH\^FD(.*?)\^FS", block)]
        has_bars = bars_printed(item, layout, symbols.qr_size(content), 25.4 / dpi)
        assert bars == ([item["barcode"]] if has_bars else [])
        text = [unhex(field) for field in re.findall(r"\^A0N,\d+,\d+\^FH\^FD(.*?)\^FS", block)]
        assert text[0] == item["barcode"] or item["barcode"].startswith(text[0].removesuffix(plan.ELLIPSIS))


@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_zpl_has_bc_for_a_short_barcode_and_none_for_one_with_accents(name):
    layout = labels.BY_NAME[name]
    assert "^BCN" in labels.zpl(ITEMS[:1], layout)
    assert "^BCN" not in labels.zpl(ITEMS[3:4], layout)


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_nothing_is_drawn_outside_the_label_but_a_pixel_of_rounding(name, dpi):
    layout = labels.BY_NAME[name]
    per_mm = dpi / 25.4
    margin = plan.INSET * per_mm - 1
    for item in ITEMS:
        with Image.open(io.BytesIO(labels.png(item, layout, dpi=dpi, qr_url=QR_URL))) as image:
            assert image.size == (
                round(layout["label_width_mm"] * per_mm),
                round(layout["label_height_mm"] * per_mm),
            )
            left, top, right, bottom = image.point(lambda value: 255 - value).getbbox()
            assert (left, top) >= (margin, margin)
            assert (image.width - right, image.height - bottom) >= (margin, margin)


def marks(where, qr_count, bar_count):
    """The plan's boxes (left, top, right, bottom) in mm: QR code, bars and each line of text."""
    x, y, q = where["qr"]
    boxes = {"qr": (x, y, x + qr_count * q, y + qr_count * q)}
    if where["bars"]:
        x, y, module, height = where["bars"]
        boxes["bars"] = (x, y, x + bar_count * module, y + height)
    for index, (x, baseline, size, text) in enumerate(where["text"]):
        boxes[index] = (
            x,
            baseline - plan.ASCENT * size,
            x + fonts.width(text, size),
            baseline + (plan.LINE - plan.ASCENT) * size,
        )
    return boxes


def apart(box, other, gap):
    """Whether two boxes are at least `gap` apart, across or down."""
    return (
        box[2] + gap <= other[0]
        or other[2] + gap <= box[0]
        or box[3] + gap <= other[1]
        or other[3] + gap <= box[1]
    )


@pytest.mark.parametrize("dot", [PDF_DOT, 25.4 / 203, 25.4 / 300])
@pytest.mark.parametrize("name", LAYOUT_NAMES)
def test_the_plan_keeps_marks_inside_the_inset_and_quiet_zones_clear(name, dot):
    layout = labels.BY_NAME[name]
    width, height = layout["label_width_mm"], layout["label_height_mm"]
    for item in ITEMS:
        for qr_url in (None, QR_URL):
            qr_count = len(symbols.qr(labels.qr_content(item["barcode"], qr_url)))
            pattern = symbols.bars(item["barcode"])
            bar_count = pattern and len(pattern)
            lines = [item["barcode"], *item["lines"]]
            where = plan.plan(width, height, qr_count, bar_count, lines, measure=fonts.width, dot=dot)
            boxes = marks(where, qr_count, bar_count)
            inset = plan.INSET - dot / 2
            for left, top, right, bottom in boxes.values():
                assert inset <= left and inset <= top and right <= width - inset and bottom <= height - inset
            q = where["qr"][2]
            assert all(
                apart(boxes["qr"], box, plan.QR_QUIET * q - 1e-9) for key, box in boxes.items() if key != "qr"
            )
            assert boxes["qr"][0] >= plan.QR_QUIET * q - 1e-9
            if where["bars"]:
                quiet = plan.BAR_QUIET * where["bars"][2]
                assert (
                    boxes["bars"][0] - quiet >= boxes["qr"][2] - 1e-9
                    and boxes["bars"][2] + quiet <= width + 1e-9
                )
            for line, (*_, text) in zip(lines, where["text"], strict=False):
                assert text == line or (text.endswith(plan.ELLIPSIS) and line.startswith(text[:-1]))


def test_text_that_cannot_fit_is_cut_with_an_ellipsis():
    def measure(text, size):
        return len(text) * size

    assert plan.cut("a" * 2000, 10, 1, measure) == "a" * 9 + plan.ELLIPSIS
    assert plan.cut("Плазма", 6, 1, measure) == "Плазма"
    assert plan.cut("ab cd", 4, 1, measure) == "ab" + plan.ELLIPSIS
    assert plan.cut("Ωμέγα", 0.5, 1, measure) == ""


def test_lines_that_do_not_fit_are_left_out_at_the_smallest_size():
    where = plan.plan(38, 13, 21, None, ["S1", *"abcdefghij"], measure=fonts.width, dot=PDF_DOT)
    shown = len(where["text"])
    assert shown == int((13 - 2 * plan.INSET) / (plan.LINE * where["text"][0][2])) < 11
    assert [size for *_, size, _ in where["text"]] == pytest.approx([plan.TEXT_SIZE[0]] * shown, abs=PDF_DOT)
    assert [text for *_, text in where["text"]] == ["S1", *"abcdefghij"][:shown]


def test_an_item_holds_the_rows_text():
    container = {
        "barcode": "S1",
        "sample_type": "Serum",
        "description": "  Visit 3,\n aliquot\t2 ",
        "collected_at": datetime.datetime(2024, 5, 1, 9, 30, tzinfo=datetime.UTC),
    }
    assert labels.item("container", container) == {
        "kind": "container",
        "barcode": "S1",
        "lines": ["Serum", "Visit 3, aliquot 2", "2024-05-01"],
    }
    bare = {"barcode": "S2", "sample_type": None, "description": None, "collected_at": None}
    assert labels.item("container", bare)["lines"] == []
    assert labels.item("rack", {"barcode": "R1", "name": "Rack A"}) == {
        "kind": "rack",
        "barcode": "R1",
        "lines": ["Rack A"],
    }


def test_the_qr_code_holds_the_barcode_or_the_url_with_it_percent_encoded():
    assert labels.qr_content("a/b é") == "a/b é"
    assert (
        labels.qr_content("a/b é", "https://x.org/#/lookup/{barcode}?v=1")
        == "https://x.org/#/lookup/a%2Fb%20%C3%A9?v=1"
    )


def test_layouts_name_their_defaults_and_fit_on_their_pages():
    assert labels.BY_NAME[labels.PDF_DEFAULT]["page"] == "A4"
    assert labels.BY_NAME[labels.ZPL_DEFAULT] is labels.LAYOUTS[0]
    assert {layout["kind"] for layout in labels.LAYOUTS} == {"roll", "sheet"}
    for layout in labels.LAYOUTS:
        assert list(labels.public(layout)) == list(layouts.PUBLIC)
        page_width, page_height = layouts.page_size(layout)
        corners = layouts.slots(layout)
        assert len(corners) == layout["columns"] * layout["rows"]
        for left, top in corners:
            assert left >= 0 and left + layout["label_width_mm"] <= page_width + 1e-9
            assert top >= 0 and top + layout["label_height_mm"] <= page_height + 1e-9


def test_zpl_escapes_what_could_end_a_field_or_start_a_command():
    assert escape("A b/1>") == "A b/1>"
    assert escape("^~_é") == "_5E_7E_5F_C3_A9"
