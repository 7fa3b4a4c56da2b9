import { actor } from "../../src/index";

interface Item {
  id: number;
  done: boolean;
}

/** A class instance in the state keeps a small state's one entry in CBOR (see state-store.ts). */
class Label {
  constructor(readonly text: string) {}
}

/** The storage forms a state can take, by what it holds (README, "State"). */
export type StateForm = "small" | "large" | "small-cbor";

/**
 * One object under two top-level fields: `current` or `byId` point at an item of `items`. A
 * change made through one must reach storage under both, whichever form the state is stored in.
 */
export const sharing = actor({
  state: {
    pad: "",
    label: undefined as Label | undefined,
    items: [{ id: 1, done: false }] as Item[],
    current: null as Item | null,
    byId: new Map<number, Item>(),
    picked: new Set<Item>(),
    notes: new Map<Item, string>(),
    /** A Map keyed by an object of the same field: the sharing survives a wake in every form. */
    group: { lead: { id: 2, done: false } as Item, notes: new Map<Item, string>() },
  },
  onAuth: () => ({}),
  actions: {
    setForm: (c, form: StateForm) => {
      c.state.pad = form === "large" ? "x".repeat(20_000) : "";
      c.state.label = form === "small-cbor" ? new Label("cbor") : undefined;
    },
    select: (c) => {
      c.state.current = c.state.items[0] ?? null;
    },
    /** `current` from the Map. */
    selectFromMap: (c) => {
      c.state.current = c.state.byId.get(1) ?? null;
    },
    /** Assigns the state its own proxy, as `c.state = c.state` does; answers the whole state. */
    replaceWithItself: (c) => {
      // biome-ignore lint/correctness/noSelfAssign: the assignment under test
      c.state = c.state;
      return c.state;
    },
    index: (c) => {
      c.state.byId = new Map(c.state.items.map((item) => [item.id, item]));
    },
    completeCurrent: (c) => {
      if (c.state.current) c.state.current.done = true;
    },
    completeFirst: (c) => {
      if (c.state.items[0]) c.state.items[0].done = true;
    },
    done: (c) => ({ item: c.state.items[0]?.done, current: c.state.current?.done, byId: c.state.byId.get(1)?.done }),
    /** Whether `current` is the very item `items` holds, as seen through the state. */
    currentIsFirst: (c) => c.state.current === c.state.items[0] && c.state.items.indexOf(c.state.current as Item) === 0,
    /** Changes made inside the state's Map and Set, keyed by the state's own objects. */
    collectInPlace: (c) => {
      for (const item of c.state.items) c.state.byId.set(item.id, item);
      const first = c.state.items[0] as Item;
      c.state.picked.add(first);
      c.state.notes.set(first, "first");
      c.state.group.notes.set(c.state.group.lead, "lead");
    },
    /** What the Map and Set find when asked with the objects the state hands out. */
    lookups: (c) => {
      const first = c.state.items[0] as Item;
      return {
        byIdIsFirst: c.state.byId.get(1) === first,
        picked: c.state.picked.has(first),
        note: c.state.notes.get(first),
        groupNote: c.state.group.notes.get(c.state.group.lead),
        pickedIsFirst: [...c.state.picked][0] === first,
      };
    },
    /** What the Map and Set hold, whatever the objects' identity. */
    collected: (c) => ({
      byId: [...c.state.byId.keys()],
      picked: [...c.state.picked].map((item) => item.id),
      notes: [...c.state.notes.values()],
      groupNotes: [...c.state.group.notes.values()],
    }),
    completeThroughMap: (c) => {
      const item = c.state.byId.get(1);
      if (item) item.done = true;
    },
    uncollect: (c) => {
      const first = c.state.items[0] as Item;
      c.state.picked.delete(first);
      c.state.notes.clear();
      c.state.byId.delete(1);
    },
    define: (c, field: string) => {
      Object.defineProperty(c.state, field, { value: 1, enumerable: true, writable: true, configurable: true });
    },
    read: (c, field: string) => (c.state as Record<string, unknown>)[field],
  },
});
