// A list: search box, sortable headers, the total, and keyset pages by the Link headers.

import { canEdit, page } from "./api.js";
import { alertBox, capitalized, fill, h, heading } from "./dom.js";
import { referenced, rowLink } from "./resources.js";

const PAGE_SIZE = 25;

/** How a column's value reads: times local, a quantity with its unit, a UUID cut short (whole on hover). */
const FORMATS = {
  uuid: (value) => h("span", { title: value }, `${value.slice(0, 8)}…`),
  collected_at: (value) => new Date(value).toLocaleString(),
  expires_at: (value) => new Date(`${value}T00:00`).toLocaleDateString(),
  quantity: (value, item) => `${value} ${item.unit ?? ""}`.trim(),
};

/** Show `list` in `view`; `params` (from the URL's hash) are the API's: q, order, limit, filters. */
export function listView(view, list, params) {
  const query = new URLSearchParams(params);
  if (!query.has("limit")) query.set("limit", PAGE_SIZE);
  const pages = [`${list.path}?${query}`]; // each page shown so far: Previous goes back one
  let nextUrl = null;
  const order = query.get("order") || "";
  const total = h("p", { class: "total", "aria-live": "polite" });
  const rows = h("div");
  const previous = h("button", { type: "button", disabled: true, onclick: () => { pages.pop(); show(); } },
    "Previous page");
  const next = h("button", { type: "button", disabled: true, onclick: () => { pages.push(nextUrl); show(); } },
    "Next page");

  /** Go to this list with other parameters. */
  function go(changes) {
    const changed = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) changed.set(name, value);
      else changed.delete(name);
    }
    location.hash = `#/${list.plural}?${changed}`;
  }

  function header(column) {
    const key = list.sorts?.[column] ?? column; // else a parent shown by name sorts by its id, grouping its rows
    const sorted = order === key ? "ascending" : order === `-${key}` ? "descending" : null;
    return h("th", { scope: "col", "aria-sort": sorted },
      h("button", { type: "button", class: "sort", onclick: () => go({ order: sorted === "ascending" ? `-${key}` : key }) },
        heading(column), sorted ? h("span", { "aria-hidden": "true" }, sorted === "ascending" ? " ▲" : " ▼") : null));
  }

  /** A row's value in a column: its own link by id and name, a parent by its name (the API's <parent>_name). */
  function cell(item, column) {
    const value = item[column];
    if (column === "id" || column === "name") return h("a", { href: rowLink(list, item) }, String(value));
    if (value == null) return "";
    const target = referenced(column);
    if (!target) return FORMATS[column] ? FORMATS[column](value, item) : value;
    return h("a", { href: `#/${target}/${value}` }, item[`${target}_name`] ?? String(value));
  }

  async function show() {
    previous.disabled = next.disabled = true; // until this page is shown: one click, one page
    try {
      const result = await page(pages.at(-1));
      nextUrl = result.next;
      const about = result.estimated ? "about " : "";
      fill(total, `Total: ${about}${result.total}${result.estimated ? " (estimated)" : ""}`);
      fill(rows, h("table", {},
        h("thead", {}, h("tr", {}, list.columns.map(header))),
        h("tbody", {}, result.rows.map((item) => h("tr", {}, list.columns.map((c) => h("td", {}, cell(item, c))))))));
      performance.mark("list-rendered");
    } catch (error) {
      nextUrl = null;
      fill(rows, alertBox(error));
    }
    previous.disabled = pages.length === 1;
    next.disabled = !nextUrl;
  }

  const search = h("input", { type: "search", id: "search", value: query.get("q") || "" });
  const filters = [...query].filter(([name]) => !["q", "order", "limit"].includes(name));
  const newRow = new URLSearchParams(filters);
  fill(view,
    h("h1", {}, capitalized(list.plural)),
    h("form", { role: "search", onsubmit: (event) => { event.preventDefault(); go({ q: search.value }); } },
      h("label", { for: "search" }, "Search"), " ", search,
      filters.map(([name, value]) => h("span", { class: "filter" }, ` ${name} = ${value}`))),
    list.name && canEdit() ? h("p", {}, h("a", { href: `#/${list.name}/new?${newRow}` }, `New ${list.name}`)) : null,
    total, rows, h("p", { class: "paging" }, previous, " ", next));
  return show();
}
