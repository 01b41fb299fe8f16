// The web UI: navigation, barcode lookup, who is signed in, and a router over the URL's hash
// (#/sites?q=muffin, #/site/1, #/site/new, #/import, #/signin).

import { request, session } from "./api.js";
import { alertBox, capitalized, fill, h } from "./dom.js";
import { listView } from "./list.js";
import { LISTS, RESOURCES } from "./resources.js";

// The other pages' modules load when first needed, so that a list shows sooner.
const page = (module, name) => async (...args) => (await import(module))[name](...args);
const detailView = page("./detail.js", "detailView");
const createView = page("./detail.js", "createView");
const importView = page("./import.js", "importView");
const signInView = page("./signin.js", "signInView");
const signOut = page("./signin.js", "signOut");

const header = document.querySelector("header");
const main = document.querySelector("main");
const NAVIGATION = ["labs", "sites", "instruments", "freezers", "racks", "boxes", "containers", "import"];

async function lookup(event) {
  event.preventDefault();
  const barcode = event.target.elements.barcode.value.trim();
  try {
    const { data } = await request("GET", `/lookup/${encodeURIComponent(barcode)}`);
    location.hash = `#/${data.kind}/${data.item.id}`;
  } catch (error) {
    fill(main, alertBox(error));
  }
}

function showHeader() {
  const user = session.get();
  fill(header,
    h("nav", { "aria-label": "Lists" }, h("ul", {},
      NAVIGATION.map((name) => h("li", {}, h("a", { href: `#/${name}` }, capitalized(name)))))),
    h("form", { class: "lookup", onsubmit: lookup },
      h("label", { for: "barcode" }, "barcode"), " ", h("input", { id: "barcode", name: "barcode", required: true }),
      " ", h("button", {}, "Find")),
    h("p", { class: "user" }, user
      ? [`${user.username} (${user.role}) `,
        h("button", { type: "button", onclick: async () => { await signOut(); route(); } }, "Sign out")]
      : h("a", { href: "#/signin" }, "Sign in")));
}

/** Show the page the hash names, in a new element: a page still loading fills the one it had. */
async function route() {
  const [path, query] = location.hash.slice(1).split("?");
  const params = new URLSearchParams(query || "");
  const [name, id] = path.split("/").filter(Boolean);
  const view = h("div");
  main.replaceChildren(view);
  showHeader();
  document.title = `${capitalized(name || "labs")} · Lab inventory`;
  if (!name) return location.replace("#/labs");
  if (LISTS[name] && !id) return listView(view, LISTS[name], params);
  if (RESOURCES[name] && id === "new") return createView(view, RESOURCES[name], params);
  if (RESOURCES[name] && /^\d+$/.test(id)) return detailView(view, RESOURCES[name], id);
  if (name === "import") return importView(view);
  if (name === "signin") return signInView(view);
  fill(view, alertBox(new Error("There is no such page.")));
}

window.addEventListener("hashchange", route);
route();
