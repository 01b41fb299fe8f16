// What the UI knows of each resource: its API names, editable fields, list columns and children.

const resource = (name, plural, fields, children = {}, extra = [], unlisted = []) => ({
  name, plural, fields, children, columns: ["id", ...fields, ...extra].filter((c) => !unlisted.includes(c)),
  path: `/${plural}`,
});

export const RESOURCES = {
  lab: resource("lab", "labs", ["name"], { sites: "lab_id" }),
  site: resource("site", "sites",
    ["name", "lab_id", "contact", "address", "state_or_region", "country", "postcode_or_zip"],
    { instruments: "site_id" }),
  computer: resource("computer", "computers", ["name", "site_id", "mac"]),
  freezer: resource("freezer", "freezers", ["name", "site_id"],
    { racks: "freezer_id", boxes: "freezer_id", containers: "freezer_id" }),
  rack: resource("rack", "racks", ["name", "freezer_id", "barcode"], { boxes: "rack_id" }),
  box: resource("box", "boxes", ["name", "freezer_id", "rack_id", "barcode", "rows", "cols"],
    { containers: "box_id" }),
  container: resource("container", "containers",
    ["barcode", "description", "freezer_id", "box_id", "position", "uuid", "status_note",
      "sample_type", "quantity", "unit", "collected_at", "expires_at"], {}, ["status"], ["unit"]), // unit: with quantity
};

/** The lists, by the name in their URL. */
export const LISTS = {
  labs: RESOURCES.lab, sites: RESOURCES.site,
  instruments: { plural: "instruments", path: "/instruments", columns: ["name", "site_id"],
    sorts: { site_id: "site_name" } }, // a column shown by name that sorts by name
  freezers: RESOURCES.freezer, racks: RESOURCES.rack, boxes: RESOURCES.box, containers: RESOURCES.container,
  computers: RESOURCES.computer, // among the instruments in the navigation
};

/** Return the UI link (#/…) of a row's page: an instrument's is its computer's or freezer's. */
export function rowLink(list, item) {
  if (list.plural === "instruments") {
    return item.computer_id ? `#/computer/${item.computer_id}` : `#/freezer/${item.freezer_id}`;
  }
  return `#/${list.name}/${item.id}`;
}

/** Return the resource a column such as `site_id` refers to, if any. */
export const referenced = (column) => RESOURCES[column.replace(/_id$/, "")] && column.endsWith("_id")
  ? column.replace(/_id$/, "") : null;

const NUMBERS = /(_id|^rows|^cols|^quantity)$/;
const GENERATED = ["uuid", "rows", "cols"]; // the database fills them in when left out

/** Return a form's fields as an API body: "" is null (or left out), ids and sizes are numbers. */
export function formBody(form, fields) {
  const body = {};
  for (const name of fields) {
    const value = form.elements[name].value;
    if (value === "" && GENERATED.includes(name)) continue;
    body[name] = value === "" ? null : NUMBERS.test(name) && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return body;
}
