// Signing in (POST /auth/tokens; the token kept in sessionStorage) and out (DELETE /auth/tokens/<id>).

import { request, session } from "./api.js";
import { alertBox, field, fill, h } from "./dom.js";

/** Show the sign-in form in `main`; once signed in, go to the labs. */
export function signInView(main) {
  const message = h("div");
  async function signIn(event) {
    event.preventDefault();
    const form = event.target.elements;
    try {
      const { data } = await request("POST", "/auth/tokens",
        { body: { username: form.username.value, password: form.password.value, name: "web UI" } });
      session.set({ id: data.id, token: data.token, username: data.username, role: data.role });
      location.hash = "#/labs";
    } catch (error) {
      fill(message, alertBox(error));
    }
  }
  fill(main, h("h1", {}, "Sign in"), message,
    h("form", { onsubmit: signIn },
      field("username", "", { autocomplete: "username", required: true }),
      field("password", "", { type: "password", autocomplete: "current-password", required: true }),
      h("p", {}, h("button", {}, "Sign in"))));
}

/** Revoke the session's token and forget it (also when it no longer works or the API is down). */
export async function signOut() {
  await request("DELETE", `/auth/tokens/${session.get().id}`).catch(() => null);
  session.clear();
}
