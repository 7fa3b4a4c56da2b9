import { registry } from "./registry.js";

// One Durable Object class per actor, exported under the class_name in wrangler.jsonc.
export class Counter extends registry.durableObjects.Counter {}

// The front Worker: the actors' routes under /registry. (`registry.createServer().serve(app)`
// puts them beside routes of your own.)
export default registry.handler;
