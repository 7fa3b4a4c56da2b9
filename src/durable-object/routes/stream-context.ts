import type { ActorInstance } from "../../actor/instance";
import type { StreamContext } from "../../server/contract";
import type { HibernatableSockets } from "../hibernatable-sockets";

/** What a streaming route of the object gets: the instance, its sockets, the Worker's request and context. */
export interface StreamRequest {
  instance: ActorInstance;
  sockets: HibernatableSockets;
  /** The request from the Worker (internal headers still on it). */
  request: Request;
  context: StreamContext;
}
