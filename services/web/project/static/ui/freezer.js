// A freezer's racks and boxes, each box with its fill counts (GET /freezer/<id>/tree).

import { request } from "./api.js";
import { alertBox, h } from "./dom.js";

/** Return a section showing freezer `id`'s tree. */
export async function freezerTree(id) {
  const section = h("section", { "aria-label": "Contents" }, h("h2", {}, "Contents"));
  try {
    const { data } = await request("GET", `/freezer/${id}/tree`);
    const box = (item) => h("li", {}, h("a", { href: `#/box/${item.id}` }, item.name),
      ` ${item.filled} filled, ${item.empty} empty`);
    section.append(h("ul", { class: "tree" },
      data.racks.map((rack) => h("li", {}, h("a", { href: `#/rack/${rack.id}` }, rack.name),
        h("ul", {}, rack.boxes.map(box)))),
      data.boxes.map(box)));
  } catch (error) {
    section.append(alertBox(error));
  }
  return section;
}
