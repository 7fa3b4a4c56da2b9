/**
 * Watches what the Worker and the actors ask of the real Durable Object bindings: each `get`
 * with its options, and each `jurisdiction(...)`. The bindings still do the work (and answer);
 * this only records the calls (in a list the tests share with the worker, in one isolate).
 */
export type PlacementCall =
  | { call: "get"; binding: string; id: string; options: DurableObjectNamespaceGetDurableObjectOptions | undefined }
  | { call: "jurisdiction"; binding: string; jurisdiction: string };

export const placementCalls: PlacementCall[] = [];

/** `env` with each Durable Object binding observed. */
export function observePlacement<E extends object>(env: E): E {
  return new Proxy(env, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof property === "string" && isNamespace(value) ? observed(property, value) : value;
    },
  });
}

function isNamespace(value: unknown): value is DurableObjectNamespace {
  return typeof value === "object" && value !== null && "idFromName" in value && "jurisdiction" in value;
}

function observed(binding: string, namespace: DurableObjectNamespace): DurableObjectNamespace {
  return new Proxy(namespace, {
    get(target, property) {
      if (property === "get") {
        return (id: DurableObjectId, options?: DurableObjectNamespaceGetDurableObjectOptions) => {
          placementCalls.push({ call: "get", binding, id: id.toString(), options });
          return target.get(id, options);
        };
      }
      if (property === "jurisdiction") {
        return (jurisdiction: DurableObjectJurisdiction) => {
          placementCalls.push({ call: "jurisdiction", binding, jurisdiction });
          // workerd throws here (it has no jurisdictions); production answers the jurisdiction's namespace.
          return observed(binding, target.jurisdiction(jurisdiction));
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      // The binding's own methods run on the binding, not on this proxy.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
