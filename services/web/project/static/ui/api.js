// The API client: fetch with the session's token, problem+json errors, Link paging, ETags,
// downloads and the live stream of changes.

const KEY = "labinv.session";
const CONSISTENCY = "labinv.consistency"; // the last X-Consistency-Token a write's answer gave

/** The signed-in user ({id, token, username, role} from POST /auth/tokens), in sessionStorage. */
export const session = {
  get: () => JSON.parse(sessionStorage.getItem(KEY) || "null"),
  set: (value) => sessionStorage.setItem(KEY, JSON.stringify(value)),
  clear: () => sessionStorage.removeItem(KEY),
};

let anonymousWrites = false; // the API takes writes without a token (development)

/** Ask the API (GET /auth/me, without the token) whether a request without a token may write. */
export async function askWhoMayWrite() {
  const response = await fetch("/auth/me", { headers: { Accept: "application/json" } }).catch(() => null);
  anonymousWrites = response?.ok ? (await response.json()).may_write === true : false;
}

/** Tell whether anyone may edit without signing in (development). */
export const anyoneMayEdit = () => anonymousWrites;

/** Tell whether the UI offers edit controls: an editor or admin signed in, or anyone where anyone may. */
export const canEdit = () => {
  const role = session.get()?.role;
  return role ? ["editor", "admin"].includes(role) : anonymousWrites;
};

/** An answer of 400 or more: `problem` is its problem+json body, `status` its status. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Return `headers` with the session's token and the last write's consistency token, if any. */
function withSession(headers) {
  const token = session.get()?.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  const consistency = sessionStorage.getItem(CONSISTENCY); // read your writes, also from a replica
  if (consistency) headers["X-Consistency-Token"] = consistency;
  return headers;
}

/** Send a request; return {data, response}, or throw ApiError. `etag` goes in If-Match. */
export async function request(method, path, { body, etag, type = "application/json" } = {}) {
  const headers = withSession({ Accept: "application/json" });
  const token = session.get()?.token;
  if (etag) headers["If-Match"] = etag;
  if (body !== undefined) headers["Content-Type"] = type;
  if (body !== undefined && type === "application/json") body = JSON.stringify(body);
  const response = await fetch(path, { method, headers, body, cache: "no-cache" });
  const data = await response.json().catch(() => ({}));
  const issued = response.headers.get("X-Consistency-Token");
  if (issued) sessionStorage.setItem(CONSISTENCY, issued);
  if (response.status === 401 && token) { // expired or revoked: signed out now; the header redraws
    session.clear();
    window.dispatchEvent(new Event("labinv:signed-out"));
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, response };
}

/** Download a document the API makes (a label's PDF), fetched with the session's token. */
export async function download(method, path, body) {
  const headers = withSession({ Accept: "application/pdf" });
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body && JSON.stringify(body) });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const url = URL.createObjectURL(await response.blob());
  Object.assign(document.createElement("a"), { href: url, download: named ? named[1] : "labels.pdf" }).click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Follow changes live (GET /events?`query`): call `onChange` with each change's data until the page
 * leaves (hashchange). Signed in, the stream carries a ticket (EventSource sends no Authorization);
 * when a stream that was open ends for good (its ticket expired), it opens again after the last
 * event it saw. A stream that never opens (no events service) is left at that: the page still works.
 */
export async function watch(query, onChange) {
  let last = null;
  let source = null;
  let left = false;
  const open = async () => {
    let url = `/events?${query}${last ? `&after=${last}` : ""}`;
    if (session.get()) {
      const { data } = await request("POST", "/events/tickets").catch(() => ({ data: {} }));
      if (data.ticket) url += `&ticket=${encodeURIComponent(data.ticket)}`;
    }
    if (left) return;
    source = new EventSource(url);
    let opened = false;
    source.onopen = () => { opened = true; };
    source.addEventListener("change", (event) => {
      last = event.lastEventId;
      onChange(JSON.parse(event.data));
    });
    source.onerror = () => source.readyState === EventSource.CLOSED && opened && !left && setTimeout(open, 2000);
  };
  window.addEventListener("hashchange", () => { left = true; source?.close(); }, { once: true });
  await open();
}

/** Revoke the session's token and forget it (also when it no longer works or the API is down). */
export async function signOut() {
  const signedIn = session.get();
  if (signedIn) await request("DELETE", `/auth/tokens/${signedIn.id}`).catch(() => null);
  session.clear();
}

/** Return a Link header as {rel: url}. */
export function links(response) {
  const found = {};
  for (const [, url, rel] of (response.headers.get("Link") || "").matchAll(/<([^>]*)>;\s*rel="(\w+)"/g)) {
    found[rel] = url;
  }
  return found;
}

/** GET one page of a list: its rows, total (and whether estimated) and the next page's URL. */
export async function page(url) {
  const { data, response } = await request("GET", url);
  return {
    rows: data,
    total: Number(response.headers.get("X-Total-Count")),
    estimated: response.headers.get("X-Total-Count-Estimated") === "true",
    next: links(response).next,
  };
}

/** GET one row; return it and its ETag. */
export async function row(path) {
  const { data, response } = await request("GET", path);
  return { data, etag: response.headers.get("ETag") };
}
