// A tube's sample: its lineage (ancestors and descendants, linked) and its timeline, newest first
// (GET /container/<id>/lineage and GET /container/<id>/events).

import { page, request } from "./api.js";
import { alertBox, h, table } from "./dom.js";

const TIMELINE = 20; // events shown, newest first
const tube = (row) => h("a", { href: `#/container/${row.id}` }, row.barcode ?? `container ${row.id}`);
const byId = (id) => h("a", { href: `#/container/${id}` }, `container ${id}`);
const amount = (taken) => (taken ? `${taken.quantity} ${taken.unit ?? ""}`.trim() : "");
const where = (to) => (to.box_id ? `box ${to.box_id} ${to.position ?? ""}`.trim() : `freezer ${to.freezer_id}, in no box`);
const joined = (nodes) => nodes.flatMap((node, i) => (i ? [", ", node] : [node]));

/** What an event says beyond its name: of what it was made, where it went, what was taken. */
function said({ event, detail }) {
  switch (event) {
    case "created":
      return detail.parent_ids.length ? [`as ${detail.lineage} of `, joined(detail.parent_ids.map(byId))] : "";
    case "checked_out":
      return detail.note ? `(${detail.note})` : "";
    case "disposed":
      return detail.reason ? `(${detail.reason})` : "";
    case "moved":
      return `to ${where(detail.to)}`;
    case "aliquoted": case "derived": case "pooled":
      return ["into ", joined(detail.children.map(byId)), detail.taken ? `, ${amount(detail.taken)} taken` : ""];
    case "used":
      return amount(detail.taken);
    case "changed":
      return Object.entries(detail).map(([name, { from, to }]) => `${name}: ${from ?? "—"} → ${to ?? "—"}`).join("; ");
    default:
      return "";
  }
}

/** A list of relatives, each linked, with its kind and how many generations away. */
function relatives(rows, away) {
  return h("ul", {}, rows.map((row) => h("li", {}, tube(row),
    ` (${row.lineage}${row.depth > 1 ? `, ${row.depth} generations ${away}` : ""})`)));
}

/** Return the Lineage and Timeline regions of container `id`. */
export async function containerSample(id) {
  try {
    const [{ data: lineage }, events] = await Promise.all([
      request("GET", `/container/${id}/lineage`), page(`/container/${id}/events?limit=${TIMELINE}`)]);
    const { ancestors, descendants } = lineage;
    return [
      h("section", { "aria-labelledby": "lineage" }, h("h2", { id: "lineage" }, "Lineage"),
        ancestors.length ? [h("h3", {}, "Made from"), relatives(ancestors, "up")] : null,
        descendants.length ? [h("h3", {}, "Made of it"), relatives(descendants, "down")] : null,
        ancestors.length || descendants.length ? null : h("p", {}, "Nothing was made of it, nor it of anything.")),
      h("section", { "aria-labelledby": "timeline" }, h("h2", { id: "timeline" }, "Timeline"),
        table(["When", "Who", "What"], events.rows.map((entry) =>
          [new Date(entry.at).toLocaleString(), entry.actor, [entry.event.replace("_", " "), " ", said(entry)]])),
        events.next ? h("p", {}, `The latest ${TIMELINE} of ${events.total}.`) : null),
    ];
  } catch (error) {
    return alertBox(error);
  }
}
