"""The label stocks we print on: rolls for thermal printers and sheets for laser printers."""

# Besides the public fields (PUBLIC), a sheet says where its labels are: the first label's top left
# corner (left_mm, top_mm) and the distance from one label to the next (pitch_x_mm, pitch_y_mm),
# measured from the page's top left corner.
LAYOUTS = [
    # Thermal-transfer rolls, one label across: 38 x 13 mm for 1.5-2 ml cryo tubes, 50 x 25 mm for
    # boxes and racks.
    {
        "name": "roll-38x13",
        "kind": "roll",
        "label_width_mm": 38,
        "label_height_mm": 13,
        "columns": 1,
        "rows": 1,
        "page": None,
    },
    {
        "name": "roll-50x25",
        "kind": "roll",
        "label_width_mm": 50,
        "label_height_mm": 25,
        "columns": 1,
        "rows": 1,
        "page": None,
    },
    # Avery L4732 (Zweckform L4732REV) mini labels: 35.6 x 16.9 mm, 5 across and 16 down on A4.
    {
        "name": "a4-avery-l4732",
        "kind": "sheet",
        "label_width_mm": 35.6,
        "label_height_mm": 16.9,
        "columns": 5,
        "rows": 16,
        "page": "A4",
        "left_mm": 11,
        "top_mm": 13,
        "pitch_x_mm": 38.1,
        "pitch_y_mm": 16.9,
    },
    # Avery 5167 return address labels: 1 3/4 x 1/2 in, 4 across and 20 down on US Letter, the first
    # at 0.28125 in from the left and 0.5 in from the top, every 2.0625 in across and 0.5 in down.
    {
        "name": "letter-avery-5167",
        "kind": "sheet",
        "label_width_mm": 44.45,
        "label_height_mm": 12.7,
        "columns": 4,
        "rows": 20,
        "page": "Letter",
        "left_mm": 7.14375,
        "top_mm": 12.7,
        "pitch_x_mm": 52.3875,
        "pitch_y_mm": 12.7,
    },
]
PUBLIC = ("name", "kind", "label_width_mm", "label_height_mm", "columns", "rows", "page")
BY_NAME = {layout["name"]: layout for layout in LAYOUTS}
PDF_DEFAULT, ZPL_DEFAULT = "a4-avery-l4732", "roll-38x13"
PAGES = {"A4": (210, 297), "Letter": (215.9, 279.4)}  # mm


def public(layout):
    """The layout as GET /labels/layouts shows it."""
    return {key: layout[key] for key in PUBLIC}


def page_size(layout):
    """Width and height of a page in mm: the sheet's, or a roll label's own."""
    return PAGES.get(layout["page"], (layout["label_width_mm"], layout["label_height_mm"]))


def slots(layout):
    """The top left corner of each label on a page, in the order they are filled (mm)."""
    if layout["kind"] == "roll":
        return [(0, 0)]
    return [
        (layout["left_mm"] + column * layout["pitch_x_mm"], layout["top_mm"] + row * layout["pitch_y_mm"])
        for row in range(layout["rows"])
        for column in range(layout["columns"])
    ]
