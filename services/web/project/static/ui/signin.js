// Signing in (POST /auth/tokens, for a token that expires in a day; kept in sessionStorage).

import { request, session } from "./api.js";
import { alertBox, field, fill, h } from "./dom.js";

/** Show the sign-in form in `view`; once signed in, go to the labs. */
export function signInView(view) {
  const message = h("div");
  async function signIn(event) {
    event.preventDefault();
    const form = event.target.elements;
    try {
      const { data } = await request("POST", "/auth/tokens",
        { body: { username: form.username.value, password: form.password.value, name: "web UI", expires_in_days: 1 } });
      session.set({ id: data.id, token: data.token, username: data.username, role: data.role });
      location.hash = "#/labs";
    } catch (error) {
      fill(message, alertBox(error));
    }
  }
  fill(view, h("h1", {}, "Sign in"), message,
    h("form", { onsubmit: signIn },
      field("username", "", { autocomplete: "username", required: true }),
      field("password", "", { type: "password", autocomplete: "current-password", required: true }),
      h("p", {}, h("button", {}, "Sign in"))));
}
