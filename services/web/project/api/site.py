"""/site routes: a lab's sites, served by database/site.sql; a number sent as postcode_or_zip is text."""

from flask import Blueprint

from . import attachment, computer, freezer, history, instrument, rows
from .openapi import documented, list_operation
from .validation import name_field, reference, text

SITE = rows.Table(
    "site",
    {
        "lab_id": reference("lab", required=False),
        "name": name_field(200),
        "contact": text(200),
        "address": text(500),
        "state_or_region": text(100),
        "country": text(100),
        "postcode_or_zip": text(20, digits=True),
    },
    search=("name", "contact", "address", "state_or_region", "country", "postcode_or_zip"),
    names=("lab_name",),
)

bp = Blueprint("site", __name__)


@bp.get("/site/<id:site_id>")
@documented(SITE.docs["get"])
def get_site(site_id):
    """One site, or 304 when If-None-Match names its version."""
    return rows.read(SITE, site_id)


@bp.put("/site/<id:site_id>")
@bp.post("/site/<id:site_id>")
@documented(PUT=SITE.docs["put"], POST=SITE.docs["post"])
def put_site(site_id):
    """Create site <id>, or replace all its fields."""
    return rows.upsert(SITE, site_id)


@bp.patch("/site/<id:site_id>")
@documented(SITE.docs["patch"])
def patch_site(site_id):
    """Change some fields of a site."""
    return rows.patch(SITE, site_id)


@bp.delete("/site/<id:site_id>")
@documented(SITE.docs["delete"])
def delete_site(site_id):
    """Delete a site (409 while it has computers or freezers)."""
    return rows.delete(SITE, site_id)


@bp.get("/sites", strict_slashes=False)
@bp.get("/sites/<offset>/<limit>")
@documented(list_operation(SITE.listing, "A page of sites", "Site", "listSites", "sites"))
def list_sites(offset=None, limit=None):
    """A page of sites."""
    return rows.page(SITE, offset, limit)


@bp.post("/sites", strict_slashes=False)
@documented(SITE.docs["create"])
def create_site():
    """Create a site with a server-assigned id."""
    return rows.create(SITE)


@bp.get("/site/<id:site_id>/computers")
@bp.get("/site/<id:site_id>/computers/<offset>/<limit>")
@documented(
    list_operation(
        computer.COMPUTER.listing,
        "A page of one site's computers",
        "Computer",
        "listSiteComputers",
        "computers",
    )
)
def list_site_computers(site_id, offset=None, limit=None):
    """A page of one site's computers."""
    return rows.children(computer.COMPUTER.listing, "site", site_id, offset, limit)


@bp.get("/site/<id:site_id>/freezers")
@bp.get("/site/<id:site_id>/freezers/<offset>/<limit>")
@documented(
    list_operation(
        freezer.FREEZER.listing, "A page of one site's freezers", "Freezer", "listSiteFreezers", "freezers"
    )
)
def list_site_freezers(site_id, offset=None, limit=None):
    """A page of one site's freezers."""
    return rows.children(freezer.FREEZER.listing, "site", site_id, offset, limit)


@bp.get("/site/<id:site_id>/instruments")
@bp.get("/site/<id:site_id>/instruments/<offset>/<limit>")
@documented(
    list_operation(
        instrument.LISTING,
        "A page of one site's instruments",
        "Instrument",
        "listSiteInstruments",
        "instruments",
    )
)
def list_site_instruments(site_id, offset=None, limit=None):
    """A page of one site's instruments: computers, then freezers."""
    return rows.children(instrument.LISTING, "site", site_id, offset, limit)


@bp.get("/site/<id:site_id>/history")
@bp.get("/site/<id:site_id>/history/<offset>/<limit>")
@documented(history.row_operation("site"))
def site_history(site_id, offset=None, limit=None):
    """A page of one site's changes, newest first."""
    return history.of_row("site", site_id, offset, limit)


@bp.post("/site/<id:site_id>/attachments")
@documented(attachment.upload_operation("site"))
def attach_to_site(site_id):
    """Attach a file (multipart: file, note) to the site."""
    return attachment.upload("site", site_id)


@bp.get("/site/<id:site_id>/attachments")
@bp.get("/site/<id:site_id>/attachments/<offset>/<limit>")
@documented(attachment.list_operation_of("site"))
def list_site_attachments(site_id, offset=None, limit=None):
    """A page of the site's attachments."""
    return attachment.listed("site", site_id, offset, limit)
