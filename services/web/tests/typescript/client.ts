// Type-checked (tsc --strict) against the types openapi-typescript generates from /openapi.json:
// a tiny client for sites, and requests the document must refuse (@ts-expect-error).
import type { components, operations } from "./schema";

type Site = components["schemas"]["Site"];
type SiteNew = components["schemas"]["SiteNew"];
type SitePatch = components["schemas"]["SitePatch"];
type Problem = components["schemas"]["Problem"];
type ListSites = NonNullable<operations["listSites"]["parameters"]["query"]>;

export async function createSite(base: string, token: string, site: SiteNew): Promise<Site | Problem> {
  const response = await fetch(`${base}/sites`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(site),
  });
  return (await response.json()) as operations["createSite"]["responses"][201]["content"]["application/json"];
}

export async function listSites(base: string, query: ListSites): Promise<{ rows: Site[]; total: number }> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const response = await fetch(`${base}/sites?${params}`);
  const rows: operations["listSites"]["responses"][200]["content"]["application/json"] = await response.json();
  return { rows, total: Number(response.headers.get("X-Total-Count")) };
}

export function patchFor(site: Site): SitePatch {
  return { contact: site.contact === null ? "nobody" : site.contact.toUpperCase(), lab_id: null };
}

export const firstPage: ListSites = { order: "-name", limit: 50, q: "Ann", lab_id: 1 };
export const problemType: Problem["type"] = "urn:lab-inventory:problem:validation";
export const getSiteId: operations["getSite"]["parameters"]["path"]["site_id"] = 7;

// @ts-expect-error a new site needs a name
export const nameless: SiteNew = { lab_id: 1 };
// @ts-expect-error there is no such field
export const unknown: SitePatch = { colour: "red" };
// @ts-expect-error order takes only the listed columns
export const badOrder: ListSites = { order: "colour" };
// @ts-expect-error ids are integers
export const badId: Site["id"] = "7";
