// Where a container is: its place, site to position, each part a link (GET /container/<id>/place).

import { request } from "./api.js";
import { alertBox, h } from "./dom.js";

/** Return a "Place" navigation landmark for container `id`: Site 1 › -20C › Rack 1 › Box A › A1. */
export async function containerPlace(id) {
  try {
    const { data } = await request("GET", `/container/${id}/place`);
    const parts = ["site", "freezer", "rack", "box"].filter((kind) => data[kind])
      .map((kind) => h("a", { href: `#/${kind}/${data[kind].id}` }, data[kind].name));
    if (data.position) parts.push(h("span", {}, data.position));
    return h("nav", { "aria-label": "Place", class: "place" }, parts.flatMap((part, i) => (i ? [" › ", part] : part)));
  } catch (error) {
    return alertBox(error);
  }
}
