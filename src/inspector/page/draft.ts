// Where the state editor's JSON came from, so that "Replace state" does not silently undo changes
// made since it was copied, nor write one actor's state into another.
import type { InspectorSnapshot } from "../../protocol/inspector";
import { utc } from "./elements";

type ShownActor = InspectorSnapshot["actor"];

/** The copy the draft started from: which actor, and the digest of its state then. */
let origin: { actor: ShownActor; digest: string } | undefined;

/**
 * Whether two snapshots are of the same actor. A key made again after a destroy names the same
 * object, so the same id: the new actor is told apart by when it was created.
 */
export function sameActor(one: ShownActor, other: ShownActor): boolean {
  return one.id === other.id && one.createdAt === other.createdAt;
}

/** The current state was copied into the editor. */
export function copiedFrom(shown: InspectorSnapshot): void {
  origin = { actor: shown.actor, digest: shown.stateDigest };
}

/** The draft was saved: it is the actor's state now, not an edit of an older one. */
export function forgetOrigin(): void {
  origin = undefined;
}

/** What to ask before replacing `shown`'s state with the draft, and the digest to send so that the API refuses a stale edit. */
export function replacePlan(shown: InspectorSnapshot): { question: string; ifStateDigest?: string } {
  const which = ({ id, createdAt }: ShownActor) => `id ${id.slice(0, 8)}…, created ${utc(createdAt)}`;
  if (origin && !sameActor(origin.actor, shown.actor)) {
    return {
      question: `This JSON was copied from another actor (${which(origin.actor)}), not from the one shown (${which(shown.actor)}). Replace this actor's whole state with it?`,
    };
  }
  if (origin && origin.digest !== shown.stateDigest) {
    return { question: "The actor's state changed since you copied it: replacing it undoes those changes. Replace the whole state with this JSON anyway?" };
  }
  // Unchanged as far as the page knows: the API refuses the edit (409 state_changed) if it changed meanwhile.
  return { question: "Replace the actor's whole state with this JSON?", ...(origin ? { ifStateDigest: origin.digest } : {}) };
}
