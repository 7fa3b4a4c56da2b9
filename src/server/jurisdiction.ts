import type { Jurisdiction } from "../protocol/placement";

/**
 * The binding's namespace inside the actor's jurisdiction, if it has one. Ids from a
 * jurisdiction's namespace differ from the binding's own, so every lookup goes through here.
 * workerd (`wrangler dev`, tests) has no jurisdictions and throws; there the binding's own
 * namespace stands in, as location hints are ignored there too.
 */
export function inJurisdiction(namespace: DurableObjectNamespace, jurisdiction: Jurisdiction | undefined): DurableObjectNamespace {
  if (jurisdiction === undefined) return namespace;
  try {
    return namespace.jurisdiction(jurisdiction);
  } catch (error) {
    if (error instanceof Error && error.message.includes("not implemented in workerd")) return namespace;
    throw error;
  }
}
