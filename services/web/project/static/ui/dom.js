// Building the page: h() makes elements; alerts, status lines and a confirmation dialog.

/** Return a new element: attributes (on* are listeners), then children (strings, nodes, arrays). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.flat(Infinity).filter((child) => child != null && child !== false));
  return element;
}

/** Return an element with role="alert" saying what went wrong (an ApiError lists its field errors). */
export function alertBox(error, ...actions) {
  const fields = error.problem?.errors;
  const items = Array.isArray(fields)
    ? fields.map((e) => (e.line ? `line ${e.line}, ${e.column}: ${e.message}` : e.index != null ? `move ${e.index + 1}: ${e.message}` : e.message))
    : Object.entries(fields || {}).map(([field, message]) => `${field}: ${message}`);
  return h("div", { role: "alert", class: "alert" },
    h("p", {}, error.message), items.length ? h("ul", {}, items.map((item) => h("li", {}, item))) : null, actions);
}

/** Return `name` with a capital letter: "sites" is "Sites". */
export const capitalized = (name) => name[0].toUpperCase() + name.slice(1);

/** Return a table with these column headings and rows of cells. */
export function table(headings, rows) {
  return h("table", {}, h("thead", {}, h("tr", {}, headings.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell))))));
}

/** Put `nodes` in place of what `element` holds; return it. */
export function fill(element, ...nodes) {
  element.replaceChildren(...nodes.flat().filter(Boolean));
  return element;
}

/** Ask a yes-or-no question in a modal dialog; resolve to true if `yes` is pressed. */
export function confirmDialog(question, yes) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { "aria-label": question },
      h("form", { method: "dialog" }, h("p", {}, question),
        h("button", { value: "yes" }, yes), " ", h("button", { value: "no" }, "Cancel")));
    dialog.addEventListener("close", () => { dialog.remove(); resolve(dialog.returnValue === "yes"); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

const WORDS = {
  id: "ID", uuid: "UUID", mac: "MAC", csv: "CSV", collected_at: "Collected", expires_at: "Expires",
  postcode_or_zip: "Postcode or ZIP",
};

/** Return an API field's name in words: "Sample type" for sample_type, "Freezer" for freezer_id. */
export function heading(name) {
  const words = WORDS[name] ?? name.replace(/_id$/, "").replaceAll("_", " ");
  return words[0].toUpperCase() + words.slice(1);
}

/** A labelled input for API field `name`, its label in words. */
export function field(name, value, attributes = {}) {
  const id = `field-${name}`;
  return h("p", {}, h("label", { for: id }, heading(name)), " ",
    h("input", { id, name, value: value ?? "", ...attributes }));
}
