// The API client: fetch with the session's token, problem+json errors, Link paging, ETags.

const KEY = "labinv.session";

/** The signed-in user ({id, token, username, role} from POST /auth/tokens), in sessionStorage. */
export const session = {
  get: () => JSON.parse(sessionStorage.getItem(KEY) || "null"),
  set: (value) => sessionStorage.setItem(KEY, JSON.stringify(value)),
  clear: () => sessionStorage.removeItem(KEY),
};

/** Tell whether the UI offers edit controls: signed in as an editor or admin. */
export const canEdit = () => ["editor", "admin"].includes(session.get()?.role);

/** An answer of 400 or more: `problem` is its problem+json body, `status` its status. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Send a request; return {data, response}, or throw ApiError. `etag` goes in If-Match. */
export async function request(method, path, { body, etag, type = "application/json" } = {}) {
  const headers = { Accept: "application/json" };
  const token = session.get()?.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (etag) headers["If-Match"] = etag;
  if (body !== undefined) headers["Content-Type"] = type;
  if (body !== undefined && type === "application/json") body = JSON.stringify(body);
  const response = await fetch(path, { method, headers, body, cache: "no-cache" });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401 && token) { // expired or revoked: signed out now; the header redraws
    session.clear();
    window.dispatchEvent(new Event("labinv:signed-out"));
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, response };
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
