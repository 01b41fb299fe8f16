"""What a label says: an item's barcode and lines of text, and what its QR code holds."""

from urllib.parse import quote


def item(kind, row):
    """The item to print for a container, box or rack row.

    A tube's lines are its sample type, its description (on one line; the label shows its start)
    and its collection date; a box's or rack's line is its name. Empty values are left out.
    """
    if kind == "container":
        collected = row.get("collected_at")
        description = " ".join((row.get("description") or "").split())
        lines = [row.get("sample_type"), description, collected and f"{collected:%Y-%m-%d}"]
    else:
        lines = [row.get("name")]
    return {"kind": kind, "barcode": row["barcode"], "lines": [line for line in lines if line]}


def qr_content(barcode, qr_url=None):
    """The barcode itself, or `qr_url` with `{barcode}` replaced by the percent-encoded barcode."""
    return qr_url.replace("{barcode}", quote(barcode, safe="")) if qr_url else barcode
