import type { Client } from "../../../src/client/index";
import type { DemoRegistry } from "../actors/index";
import { byId, errorText, type Control } from "./dom";

/** The raw HTTP panel: the docs page's `/api/hello` and `/api/echo`, through `handle.fetch()` to onFetch. */
export function rawHttpPanel(client: Client<DemoRegistry>): void {
  const keyInput = byId<Control>("http-key");
  const helloButton = byId<Control>("http-hello");
  const echoForm = byId("http-echo-form");
  const echoInput = byId<Control>("http-echo-text");
  const result = byId("http-result");

  async function show(label: string, request: () => Promise<Response>): Promise<void> {
    result.textContent = `${label} …`;
    try {
      const response = await request();
      const type = response.headers.get("content-type") ?? "(no content-type)";
      result.textContent = `${label} → ${response.status}\ncontent-type: ${type}\n\n${await response.text()}`;
    } catch (error) {
      result.textContent = `${label} failed: ${errorText(error)}`;
    }
  }

  const actor = () => client.myActor.getOrCreate(keyInput.value.trim() || "default");

  helloButton.addEventListener("click", () => void show("GET /api/hello", () => actor().fetch("/api/hello")));

  echoForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = JSON.stringify({ message: echoInput.value, timestamp: Date.now() });
    void show("POST /api/echo", () => actor().fetch("/api/echo", { method: "POST", headers: { "Content-Type": "application/json" }, body }));
  });
}
