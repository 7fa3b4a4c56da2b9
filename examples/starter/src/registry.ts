import { setup } from "actorflare";
import { counter } from "./counter.js";

export const registry = setup({ use: { counter } });
