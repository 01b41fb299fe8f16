// Home: how full each freezer is, tubes checked out for long, samples expiring soon and the latest
// changes, from one request (GET /dashboard); each links onwards.

import { request } from "./api.js";
import { alertBox, fill, h, table } from "./dom.js";
import { RESOURCES } from "./resources.js";

const when = (iso) => new Date(iso).toLocaleString();
const day = (date) => new Date(`${date}T00:00`).toLocaleDateString();
/** The local date `offset` days from today, as 2026-12-06. */
function isoDay(offset) {
  const date = new Date();
  date.setDate(date.getDate() + offset);
  return [date.getFullYear(), date.getMonth() + 1, date.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
}
const tube = (row) => h("a", { href: `#/container/${row.id}` }, row.barcode ?? `container ${row.id}`);
const counted = (part) => `${part.at_least ? "over " : ""}${part.total}`;
const headed = (id, title, ...content) => h("section", { "aria-labelledby": id }, h("h2", { id }, title), content);

/** Each freezer with a bar of its filled positions. */
function freezers({ rows, more }) {
  return headed("freezers", "Freezers",
    table(["Freezer", "Site", "Filled positions"], rows.map((f) => [
      h("a", { href: `#/freezer/${f.id}` }, f.name),
      h("a", { href: `#/site/${f.site_id}` }, f.site_name),
      [h("meter", { min: 0, max: f.positions || 1, value: f.filled, "aria-label": `${f.name} filled` }),
        ` ${f.filled} of ${f.positions}`],
    ])),
    more ? h("p", {}, h("a", { href: "#/freezers" }, "All freezers")) : null);
}

/** A dashboard part listing tubes: a heading with its total, the first rows, and a wider list's link. */
function tubes(id, title, part, describe, [more, href]) {
  return headed(id, `${title}: ${counted(part)}`,
    part.rows.length ? h("ul", {}, part.rows.map((row) => h("li", {}, tube(row), " ", describe(row)))) : h("p", {}, "None."),
    part.total > part.rows.length ? h("p", {}, h("a", { href }, more)) : null);
}

/** What a change did, to which row: "update site 2", linked unless it was a delete. */
function change(entry) {
  const what = `${entry.operation.toLowerCase()} ${entry.table_name} ${entry.row_id}`;
  return RESOURCES[entry.table_name] && entry.operation !== "DELETE"
    ? h("a", { href: `#/${entry.table_name}/${entry.row_id}` }, what) : what;
}

/** Show the dashboard in `view`. */
export async function dashboardView(view) {
  let figures;
  try {
    ({ data: figures } = await request("GET", "/dashboard"));
  } catch (error) {
    return fill(view, h("h1", {}, "Lab inventory"), alertBox(error));
  }
  const { checked_out: out, expiring } = figures;
  const today = isoDay(0);
  fill(view,
    h("h1", {}, "Lab inventory"),
    freezers(figures.freezers),
    tubes("checked-out", `Checked out for more than ${out.days} days`, out,
      (row) => [`since ${when(row.since)}`, row.status_note ? ` (${row.status_note})` : ""],
      ["Every tube checked out", "#/containers?status=checked_out"]),
    tubes("expiring", `Expiring within ${expiring.days} days`, expiring,
      (row) => [row.sample_type ?? "", row.expires_at < today ? ` expired ${day(row.expires_at)}` : ` expires ${day(row.expires_at)}`,
        row.status === "checked_out" ? " (checked out)" : ""],
      [`Every tube that expires by ${day(isoDay(expiring.days))}, disposed ones too`,
        `#/containers?expires_before=${isoDay(expiring.days + 1)}&order=expires_at`]),
    headed("latest", "Latest changes",
      table(["When", "Who", "Change"], figures.latest.map((entry) => [when(entry.changed_at), entry.actor, change(entry)]))));
}
