// A row's page: its fields (an edit form for editors: Save with If-Match, Delete), children, history;
// a freezer's tree, a box's grid, a container's place, lineage and timeline.

import { ApiError, canEdit, download, page, request, row } from "./api.js";
import { boxGrid } from "./box.js";
import { alertBox, capitalized, confirmDialog, field, fill, h, heading, table } from "./dom.js";
import { freezerTree } from "./freezer.js";
import { parentField, parentLink } from "./picker.js";
import { containerPlace } from "./place.js";
import { containerSample } from "./sample.js";
import { formBody, referenced } from "./resources.js";

const EXTRAS = {
  freezer: freezerTree,
  box: boxGrid,
  container: (id) => Promise.all([containerPlace(id), containerSample(id)]).then((parts) => parts.flat()),
};
const LABELLED = ["container", "box", "rack"]; // GET /<name>/<id>/label: its label as a PDF

/** A form's input for a field: a parent is picked by name (lab_id, …), any other field typed. */
const formField = (name, value) => (referenced(name) ? parentField(name, value) : field(name, value));

/** A field's value to read: a parent is a link named by its name. */
const shown = (name, value) => (value != null && referenced(name) ? parentLink(referenced(name), value) : value ?? "—");

/** Show row `id` of `resource` in `view`. */
export async function detailView(view, resource, id) {
  const path = `/${resource.name}/${id}`;
  let loaded;
  try {
    loaded = await row(path);
  } catch (error) {
    return fill(view, alertBox(error));
  }
  const { data } = loaded;
  let { etag } = loaded;
  const message = h("div");
  const history = h("section", { "aria-label": "History" });
  const reload = () => window.dispatchEvent(new HashChangeEvent("hashchange")); // the page anew, as routed

  /** Say why a write failed; a 412 means someone else changed the row: offer to reload it. */
  function failed(error) {
    const changed = error.status === 412 && new ApiError(412, {
      detail: `This ${resource.name} was changed by someone else since you loaded it: nothing was changed.`,
    });
    fill(message, changed ? alertBox(changed, h("button", { type: "button", onclick: reload }, "Reload"))
      : alertBox(error));
  }

  async function save(event) {
    event.preventDefault();
    try {
      const { response } = await request("PUT", path, { body: formBody(event.target, resource.fields), etag });
      etag = response.headers.get("ETag");
      fill(message, h("p", { role: "status" }, `Saved ${resource.name} ${id}.`));
      showHistory(history, path);
    } catch (error) {
      failed(error);
    }
  }

  async function remove() {
    if (!(await confirmDialog(`Delete ${resource.name} ${id}? This cannot be undone.`, "Delete"))) return;
    try {
      await request("DELETE", path, { etag });
      location.hash = `#/${resource.plural}`;
    } catch (error) {
      failed(error);
    }
  }

  async function printLabel() {
    try {
      await download("GET", `${path}/label`);
    } catch (error) {
      fill(message, alertBox(error));
    }
  }

  const children = Object.entries(resource.children).map(([plural, column]) =>
    h("li", {}, h("a", { href: `#/${plural}?${column}=${id}` }, `${capitalized(plural)} of this ${resource.name}`)));
  fill(view,
    h("h1", {}, `${resource.name} ${id}`, data.name ? `: ${data.name}` : ""),
    LABELLED.includes(resource.name) ? h("p", {}, h("button", { type: "button", onclick: printLabel }, "Print label")) : null,
    EXTRAS[resource.name] ? await EXTRAS[resource.name](id) : null,
    message,
    canEdit()
      ? h("form", { class: "row", onsubmit: save }, resource.fields.map((name) => formField(name, data[name])),
        h("p", {}, h("button", {}, "Save"), " ", h("button", { type: "button", onclick: remove }, "Delete")))
      : h("dl", {}, resource.fields.map((name) => [h("dt", {}, heading(name)), h("dd", {}, shown(name, data[name]))])),
    data.status ? h("p", {}, `status: ${data.status}`) : null,
    children.length ? h("ul", { class: "children" }, children) : null,
    history);
  return showHistory(history, path);
}

/** Show a row's latest changes, newest first. */
async function showHistory(section, path) {
  const changes = (entry) => entry.operation !== "UPDATE" ? entry.operation.toLowerCase() : Object.keys(entry.new_row)
    .filter((key) => JSON.stringify(entry.old_row[key]) !== JSON.stringify(entry.new_row[key]))
    .map((key) => `${key}: ${entry.old_row[key] ?? "—"} → ${entry.new_row[key] ?? "—"}`).join("; ");
  try {
    const { rows } = await page(`${path}/history?limit=20`);
    fill(section, h("h2", {}, "History"), table(["when", "who", "change"],
      rows.map((entry) => [new Date(entry.changed_at).toLocaleString(), entry.actor, changes(entry)])));
  } catch (error) {
    fill(section, h("h2", {}, "History"), alertBox(error));
  }
}

/** Show a form to create a row of `resource` in `view`, its fields filled in from `params`. */
export function createView(view, resource, params) {
  const message = h("div");
  async function create(event) {
    event.preventDefault();
    try {
      const { data } = await request("POST", resource.path, { body: formBody(event.target, resource.fields) });
      location.hash = `#/${resource.name}/${data.id}`;
    } catch (error) {
      fill(message, alertBox(error));
    }
  }
  fill(view, h("h1", {}, `New ${resource.name}`), message,
    canEdit()
      ? h("form", { class: "row", onsubmit: create }, resource.fields.map((name) => formField(name, params.get(name))),
        h("p", {}, h("button", {}, "Create")))
      : h("p", {}, "Sign in as an editor to create one."));
}
