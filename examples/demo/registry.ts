import { env } from "cloudflare:workers";
import { setup } from "../../src/index";
import { actors } from "./actors/index";

// The inspector (/registry/inspector) is on when a token is set: a deployed Worker takes it from
// the secret INSPECTOR_TOKEN (`wrangler secret put INSPECTOR_TOKEN`); `npm run dev` falls back to
// wrangler.toml's DEV_INSPECTOR_TOKEN, which is public and for local development only.
const { INSPECTOR_TOKEN, DEV_INSPECTOR_TOKEN } = env as { INSPECTOR_TOKEN?: string; DEV_INSPECTOR_TOKEN?: string };
const inspectorToken = INSPECTOR_TOKEN ?? DEV_INSPECTOR_TOKEN;

// The Worker's registry: the actors, and the inspector with the token from env. Clients take
// their type from ./actors (DemoRegistry), which does not import `cloudflare:workers`.
export const registry = setup({
  use: actors,
  inspector: inspectorToken ? { token: inspectorToken } : undefined,
});
