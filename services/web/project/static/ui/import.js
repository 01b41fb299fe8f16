// Import containers from CSV: a dry run lists the lines at fault; an import writes them all or none.

import { canEdit, request } from "./api.js";
import { alertBox, fill, h } from "./dom.js";

/** Show the import page in `view`. */
export function importView(view) {
  if (!canEdit()) {
    return fill(view, h("h1", {}, "Import containers"), h("p", {}, "Sign in as an editor to import containers."));
  }
  const result = h("div");
  const csv = h("textarea", { id: "field-csv", name: "csv", rows: 10, cols: 80, spellcheck: "false" });

  async function send(dryRun) {
    try {
      const { data } = await request("POST", `/containers/import${dryRun ? "?dry_run=true" : ""}`,
        { body: csv.value, type: "text/csv" });
      fill(result, h("p", { role: "status" }, dryRun
        ? `Dry run: ${data.would_import} containers would be imported.` : `Imported ${data.imported} containers.`));
    } catch (error) {
      fill(result, alertBox(error));
    }
  }

  fill(view,
    h("h1", {}, "Import containers"),
    h("p", {}, "A header row naming any of uuid, barcode, description, freezer_id, box_id, position, status; ",
      "then one container a line."),
    h("p", {}, h("label", { for: "field-file" }, "File"), " ",
      h("input", { id: "field-file", type: "file", accept: ".csv,text/csv",
        onchange: async (event) => { csv.value = await event.target.files[0].text(); } })),
    h("p", {}, h("label", { for: "field-csv" }, "CSV")), csv,
    h("p", {}, h("button", { type: "button", onclick: () => send(true) }, "Dry run"), " ",
      h("button", { type: "button", onclick: () => send(false) }, "Import")),
    result);
}
