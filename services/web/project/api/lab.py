"""/lab routes: labs group sites; served by database/lab.sql."""

from flask import Blueprint

from . import history, rows, site
from .openapi import documented, list_operation
from .validation import name_field

LAB = rows.Table("lab", {"name": name_field(200)}, search=("name",))

bp = Blueprint("lab", __name__)


@bp.get("/lab/<id:lab_id>")
@documented(LAB.docs["get"])
def get_lab(lab_id):
    """One lab, or 304 when If-None-Match names its version."""
    return rows.read(LAB, lab_id)


@bp.put("/lab/<id:lab_id>")
@bp.post("/lab/<id:lab_id>")
@documented(PUT=LAB.docs["put"], POST=LAB.docs["post"])
def put_lab(lab_id):
    """Create lab <id>, or replace all its fields."""
    return rows.upsert(LAB, lab_id)


@bp.patch("/lab/<id:lab_id>")
@documented(LAB.docs["patch"])
def patch_lab(lab_id):
    """Change some fields of a lab."""
    return rows.patch(LAB, lab_id)


@bp.delete("/lab/<id:lab_id>")
@documented(LAB.docs["delete"])
def delete_lab(lab_id):
    """Delete a lab (409 while it has sites)."""
    return rows.delete(LAB, lab_id)


@bp.get("/labs", strict_slashes=False)
@bp.get("/labs/<offset>/<limit>")
@documented(list_operation(LAB.listing, "A page of labs", "Lab", "listLabs", "labs"))
def list_labs(offset=None, limit=None):
    """A page of labs."""
    return rows.page(LAB, offset, limit)


@bp.post("/labs", strict_slashes=False)
@documented(LAB.docs["create"])
def create_lab():
    """Create a lab with a server-assigned id."""
    return rows.create(LAB)


@bp.get("/lab/<id:lab_id>/sites")
@bp.get("/lab/<id:lab_id>/sites/<offset>/<limit>")
@documented(list_operation(site.SITE.listing, "A page of one lab's sites", "Site", "listLabSites", "sites"))
def list_lab_sites(lab_id, offset=None, limit=None):
    """A page of one lab's sites."""
    return rows.children(site.SITE.listing, "lab", lab_id, offset, limit)


@bp.get("/lab/<id:lab_id>/history")
@bp.get("/lab/<id:lab_id>/history/<offset>/<limit>")
@documented(history.row_operation("lab"))
def lab_history(lab_id, offset=None, limit=None):
    """A page of one lab's changes, newest first."""
    return history.of_row("lab", lab_id, offset, limit)
