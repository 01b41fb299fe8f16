// A box's grid (row letters × column numbers): select a tube, move it to an empty position,
// check it out, check it in, aliquot or dispose of it; print the tubes' labels. A scan field (focused)
// selects a tube by barcode, here or elsewhere, then a position; Enter moves it. It follows the box live.

import { canEdit, download, request, watch } from "./api.js";
import { alertBox, confirmDialog, field, fill, h } from "./dom.js";

/** Return what tells a field or button apart across redraws: its name, accessible name or text. */
const keyOf = (element) => element.name || element.getAttribute("aria-label") || element.textContent;

const DONE = { insert: "added", update: "changed", delete: "removed" }; // an event's action, said
const TYPE_COLOURS = 8; // style.css's .type-0 to .type-7: the 8 commonest sample types' colours, in the legend

/** Return the accessible name of a position's button: the position, then its tube if any. */
function positionName(position, tube) {
  if (!tube) return position;
  const out = tube.status === "checked_out" ? " (checked out)" : "";
  return `${position} ${tube.barcode ?? `#${tube.id} (container ${tube.id})`}${out}`; // begins as it shows
}

/** Return a section showing box `id`'s grid, with the actions an editor may take. */
export async function boxGrid(id) {
  const section = h("section", { "aria-label": "Grid", class: "grid" });
  const problem = h("div"); // why the last action failed, if it did
  const news = h("p", { "aria-live": "polite", class: "live" }); // the latest change made here, live
  let grid = null;
  let selected = null; // the selected tube
  let target = null; // the empty position to move it to
  let drawnFor; // the tube whose panel is shown

  async function load() {
    try {
      ({ data: grid } = await request("GET", `/box/${id}/grid`));
      if (selected) { // still here (as it is now), or still elsewhere (a scanned tube to move in)
        const here = grid.positions.find((p) => p.container?.id === selected.id)?.container;
        selected = here ?? (selected.box_id === Number(id) ? null : selected);
      }
      draw();
    } catch (error) {
      fill(section, alertBox(error));
    }
  }

  /** Send one action; on success, show the grid again; on failure, say why. */
  async function act(method, path, body, said = () => null) {
    try {
      const { data } = await request(method, path, { body });
      target = null;
      fill(problem, said(data));
      await load();
    } catch (error) {
      fill(problem, alertBox(error));
    }
  }

  const move = () =>
    act("POST", "/moves", { moves: [{ container_id: selected.id, box_id: Number(id), position: target }] });

  /**
   * A scan (or typed text, then Enter): a position of this grid picks where the selected tube goes;
   * a tube's barcode selects it, here or elsewhere (saying where); nothing, with both chosen, moves it.
   */
  async function scan(event) {
    event.preventDefault();
    const text = event.target.elements.scan.value.trim();
    event.target.elements.scan.value = ""; // ready for the next scan
    problem.replaceChildren(); // what the last step said is old now
    const slot = grid.positions.find((p) => p.position === text.toUpperCase());
    const here = grid.positions.find((p) => p.container?.barcode === text);
    if (!text) return selected && target && canEdit() ? move() : draw();
    if (slot && !slot.container) [target, selected] = [selected ? slot.position : null, selected];
    else if (slot || here) [selected, target] = [(slot ?? here).container, null];
    else {
      try {
        const { data: found } = await request("GET", `/lookup/${encodeURIComponent(text)}`);
        if (found.kind !== "container") throw new Error(`${text} labels a ${found.kind}, not a tube.`);
        const { data: place } = await request("GET", `/container/${found.item.id}/place`);
        [selected, target] = [found.item, null];
        fill(problem, h("p", { role: "status" }, `${text} is in ${place.path}.`));
      } catch (error) {
        fill(problem, alertBox(error));
      }
    }
    draw();
  }

  /** Split the selected tube: `count` aliquots of `quantity` `unit` each, in this box's next free positions. */
  function aliquot(value) {
    const quantity = value("quantity");
    const body = { count: Number(value("count") ?? 1), box_id: Number(id), positions: "next" };
    if (quantity !== null) Object.assign(body, { quantity: Number(quantity), unit: value("unit") });
    return act("POST", `/container/${selected.id}/aliquots`, body, (made) =>
      h("p", { role: "status" }, `Made ${made.length} aliquots: ${made.map((c) => `${c.position} ${c.barcode}`).join(", ")}.`));
  }

  async function printTubeLabels() {
    const ids = grid.positions.filter((slot) => slot.container).map((slot) => slot.container.id);
    try {
      await download("POST", "/labels", { container_ids: ids });
      problem.replaceChildren();
    } catch (error) {
      fill(problem, alertBox(error));
    }
  }

  /** The sample types in the box, most common first, each with how many tubes hold it. */
  function sampleTypes() {
    const counts = new Map();
    for (const { container } of grid.positions) {
      if (container?.sample_type) counts.set(container.sample_type, (counts.get(container.sample_type) ?? 0) + 1);
    }
    return [...counts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  }

  function button(slot, types) {
    const tube = slot.container;
    const chosen = tube ? tube.id === selected?.id : slot.position === target;
    const type = tube?.sample_type ? types.indexOf(tube.sample_type) : -1; // past the colours: none
    return h("button", {
      type: "button", class: tube ? `${tube.status}${type >= 0 && type < TYPE_COLOURS ? ` type-${type}` : ""}` : "empty",
      "aria-label": positionName(slot.position, tube), "aria-pressed": String(chosen),
      title: tube ? [tube.sample_type, tube.description].filter(Boolean).join(": ") : null,
      onclick: () => {
        if (tube) [selected, target] = [tube, null];
        else if (selected) target = slot.position;
        draw();
      },
    }, slot.position, tube ? [" ", h("small", {}, tube.barcode ?? `#${tube.id}`)] : null); // " ": the name, as shown
  }

  function actions() {
    if (!selected) return h("p", {}, "Select a tube.");
    const path = `/container/${selected.id}`;
    const value = (name) => section.querySelector(`[name=${name}]`).value || null;
    return h("div", { class: "panel" },
      h("p", {}, h("a", { href: `#${path}` }, positionName(selected.position, selected)), ` ${selected.description ?? ""}`),
      selected.sample_type ? h("p", {}, [selected.sample_type, selected.quantity != null
        ? `${selected.quantity} ${selected.unit ?? ""} left` : null].filter(Boolean).join(", ")) : null,
      canEdit() ? [
        h("p", {}, target ? `Move to ${target}: ` : "Select an empty position to move it to. ",
          h("button", { type: "button", disabled: !target, onclick: move }, "Move")),
        selected.status === "in_storage" ? [field("note"),
          h("p", {}, h("button", { type: "button", onclick: () => act("POST", `${path}/check-out`, { note: value("note") }) },
            "Check out"))] : null,
        selected.status === "checked_out"
          ? h("p", {}, h("button", { type: "button", onclick: () => act("POST", `${path}/check-in`) }, "Check in")) : null,
        h("fieldset", {}, h("legend", {}, "Aliquots, into this box's next free positions"),
          field("count", "1", { type: "number", min: 1, max: 384 }),
          field("quantity", null, { inputmode: "decimal" }), field("unit", selected.unit),
          h("p", {}, h("button", { type: "button", onclick: () => aliquot(value) }, "Aliquot"))),
        field("reason"),
        h("p", {}, h("button", { type: "button", onclick: async () => {
          if (await confirmDialog(`Dispose of ${positionName(selected.position, selected)}?`, "Dispose")) {
            await act("POST", `${path}/dispose`, { reason: value("reason") });
          }
        } }, "Dispose")),
      ] : null);
  }

  /**
   * Show the grid anew. What the scan field holds is kept, and the panel's fields for the same tube;
   * the focus stays on the same field or button when it was in the grid, and is left alone elsewhere.
   */
  function draw() {
    const kept = new Map([...section.querySelectorAll("input")]
      .filter((input) => input.name === "scan" || selected?.id === drawnFor)
      .map((input) => [input.name, input.value]));
    const active = document.activeElement;
    const focused = active !== section && section.contains(active) ? keyOf(active) : null;
    drawnFor = selected?.id;
    const letters = [...Array(grid.rows)].map((_, row) => String.fromCharCode(65 + row));
    const types = sampleTypes();
    const names = types.map(([type]) => type);
    fill(section,
      h("h2", {}, "Grid"),
      h("form", { class: "scan", onsubmit: scan },
        h("label", { for: "scan" }, "Scan"), " ",
        h("input", { id: "scan", name: "scan", autocomplete: "off", placeholder: "a tube's barcode, or a position" })),
      problem,
      news,
      h("p", {}, `${grid.filled} filled, ${grid.empty} empty `,
        grid.filled ? h("button", { type: "button", onclick: printTubeLabels }, "Print the tubes' labels") : null),
      h("table", {},
        h("thead", {}, h("tr", {}, h("td"), [...Array(grid.cols)].map((_, col) => h("th", { scope: "col" }, col + 1)))),
        h("tbody", {}, letters.map((letter, row) => h("tr", {}, h("th", { scope: "row" }, letter),
          grid.positions.slice(row * grid.cols, (row + 1) * grid.cols)
            .map((slot) => h("td", {}, button(slot, names))))))),
      types.length ? h("ul", { class: "legend", "aria-label": "Sample types" }, types.map(([type, count], i) =>
        h("li", {}, i < TYPE_COLOURS ? h("span", { class: `swatch type-${i}`, "aria-hidden": "true" }) : null,
          ` ${type} (${count})`)))
        : null,
      actions());
    for (const input of section.querySelectorAll("input")) {
      if (kept.has(input.name)) input.value = kept.get(input.name);
    }
    if (focused !== null) [...section.querySelectorAll("input, button")].find((e) => keyOf(e) === focused)?.focus();
    performance.mark("grid-drawn"); // tests/test_ui.py times a 384-position box by it
  }

  await load();
  requestAnimationFrame(() => { // once the page shows it, unless something else has the focus
    if (!document.activeElement || document.activeElement === document.body) section.querySelector("[name=scan]")?.focus();
  });
  watch(`box_id=${id}`, (change) => { // live: another's move, check-out or edit shows at once
    const what = change.changed?.length ? ` (${change.changed.join(", ")})` : "";
    news.textContent = `${change.actor} ${DONE[change.action]} ${change.table} ${change.row_id}${what}`;
    load();
  });
  return section;
}
