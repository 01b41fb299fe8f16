// A parent field (lab_id, freezer_id, …): type part of its name, pick it from the API's matches
// (the ARIA combobox pattern: arrows, Enter, Escape); the form sends the picked id.

import { page, row } from "./api.js";
import { fill, h, heading } from "./dom.js";
import { RESOURCES, referenced } from "./resources.js";

const SHOWN = 10; // matches offered at once

/** Return the name of row `id` of resource `target` ("lab"), or "#<id>" if it cannot be read. */
export async function nameOf(target, id) {
  try {
    return (await row(`/${target}/${id}`)).data.name ?? `#${id}`;
  } catch {
    return `#${id}`;
  }
}

/** A link to row `id` of resource `target`, named by its name once that is read. */
export function parentLink(target, id) {
  const link = h("a", { href: `#/${target}/${id}` }, `#${id}`);
  nameOf(target, id).then((text) => { link.textContent = text; });
  return link;
}

/** A labelled combobox for parent column `name` (lab_id, …) holding id `value`. */
export function parentField(name, value) {
  const target = referenced(name);
  const { plural } = RESOURCES[target];
  const id = `field-${name}`;
  const listId = `${id}-options`;
  const picked = h("input", { type: "hidden", name, value: value ?? "" });
  const listbox = h("ul", { id: listId, role: "listbox", class: "options", "aria-label": `${heading(name)} matches`,
    hidden: true });
  const input = h("input", { id, role: "combobox", autocomplete: "off", "aria-autocomplete": "list",
    "aria-expanded": "false", "aria-controls": listId, value: value == null ? "" : `#${value}` });
  let matches = [];
  let active = -1;
  let asked = 0; // the latest search: an older one's answer is dropped
  if (value != null) {
    nameOf(target, value).then((text) => { if (input.value === `#${value}`) input.value = text; });
  }

  function close() {
    asked++; // a search still on its way shows nothing
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(item) {
    picked.value = item.id;
    input.value = item.name;
    input.setCustomValidity("");
    close();
  }

  function highlight(index) {
    active = (index + matches.length) % matches.length;
    [...listbox.children].forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", `${listId}-${active}`);
  }

  /** Offer the rows whose text holds what was typed; empty text clears the field, "#7" or "7" is id 7.
   * Other text holds nothing until a match is picked: the form will not send it. */
  async function search() {
    const text = input.value.trim();
    const typedId = /^#?\d+$/.test(text) || !text;
    picked.value = typedId ? text.replace("#", "") : "";
    input.setCustomValidity(typedId ? "" : `Pick a ${target} from the list, or type its id.`);
    if (!text) return close();
    const mine = ++asked;
    const query = new URLSearchParams({ q: text, order: "name", limit: SHOWN });
    const rows = await page(`/${plural}?${query}`).then((result) => result.rows, () => []);
    if (mine !== asked) return;
    matches = rows;
    active = -1;
    fill(listbox, rows.length
      ? rows.map((item, i) => h("li", { id: `${listId}-${i}`, role: "option", "aria-selected": "false",
        onmousedown: (event) => { event.preventDefault(); choose(item); } }, `${item.name} (${target} ${item.id})`))
      : h("li", { role: "option", "aria-disabled": "true", "aria-selected": "false" }, "No match"));
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  input.addEventListener("input", search);
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (event) => {
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (step && listbox.hidden && input.value.trim()) { // open the list, its first match highlighted
      event.preventDefault();
      search().then(() => !listbox.hidden && matches.length && highlight(0));
    } else if (step && matches.length && !listbox.hidden) {
      event.preventDefault();
      highlight(active < 0 && step < 0 ? -1 : active + step);
    } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
      event.preventDefault(); // picks; the next Enter submits the form
      choose(matches[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  return h("p", { class: "picker" }, h("label", { for: id }, heading(name)), " ",
    h("span", { class: "combo" }, input, listbox), picked);
}
