// The web UI: navigation, barcode lookup, who is signed in, and a router over the URL's hash
// (#/ the dashboard, #/sites?q=muffin, #/site/1, #/site/new, #/import, #/signin).

import { anyoneMayEdit, askWhoMayWrite, request, session, signOut } from "./api.js";
import { alertBox, capitalized, fill, h } from "./dom.js";
import { listView } from "./list.js";
import { LISTS, RESOURCES } from "./resources.js";

// The other pages' modules load when first needed, so that a list shows sooner. One that fails
// to load (the network, or a new version deployed meanwhile) leaves an alert, not a blank page.
const lazy = (module, name) => async (view, ...args) => {
  const loaded = await import(module).catch(() => null);
  if (loaded) return loaded[name](view, ...args);
  fill(view, alertBox(new Error("This page failed to load: check your connection, then reload the page.")));
};
const detailView = lazy("./detail.js", "detailView");
const createView = lazy("./detail.js", "createView");
const importView = lazy("./import.js", "importView");
const signInView = lazy("./signin.js", "signInView");
const dashboardView = lazy("./dashboard.js", "dashboardView");

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
    h("nav", { "aria-label": "Lists" }, h("ul", {}, h("li", {}, h("a", { href: "#/" }, "Home")),
      NAVIGATION.map((name) => h("li", {}, h("a", { href: `#/${name}` }, capitalized(name)))))),
    h("form", { class: "lookup", onsubmit: lookup },
      h("label", { for: "barcode" }, "Find barcode"), " ", h("input", { id: "barcode", name: "barcode", required: true }),
      " ", h("button", {}, "Find")),
    h("p", { class: "user" }, user
      ? [`${user.username} (${user.role}) `,
        h("button", { type: "button", onclick: async () => { await signOut(); route(); } }, "Sign out")]
      : [anyoneMayEdit() ? "Anyone may edit here (development) · " : null, h("a", { href: "#/signin" }, "Sign in")]));
}

/** Show the page the hash names, in a new element: a page still loading fills the one it had. */
async function route() {
  const [path, query] = location.hash.slice(1).split("?");
  const params = new URLSearchParams(query || "");
  const [name, id] = path.split("/").filter(Boolean);
  const view = h("div");
  main.replaceChildren(view);
  showHeader();
  document.title = `${capitalized(name || "home")} · Lab inventory`;
  if (!name) return dashboardView(view);
  if (Object.hasOwn(LISTS, name) && !id) return listView(view, LISTS[name], params);
  if (Object.hasOwn(RESOURCES, name) && id === "new") return createView(view, RESOURCES[name], params);
  if (Object.hasOwn(RESOURCES, name) && /^\d+$/.test(id)) return detailView(view, RESOURCES[name], id);
  if (name === "import") return importView(view);
  if (name === "signin") return signInView(view);
  fill(view, alertBox(new Error("There is no such page.")));
}

window.addEventListener("hashchange", route);
window.addEventListener("labinv:signed-out", showHeader);
askWhoMayWrite().then(route);
