/**
 * Names of config fields and options from the frameworks people port actors from, which
 * actorflare does not take: what to write instead, so a config ported from their docs fails with
 * the fix rather than "check the spelling".
 */

/** The advice for each of RivetKit's connection-hook timeouts. */
const UNTIMED_HOOKS = "actorflare does not time connection hooks separately; a client's connection attempt gives up on its own deadline";

/** RivetKit's (config fields and options, of 2.0 and of later versions), mostly without a Durable Objects counterpart. */
const RIVETKIT_NAMES: Record<string, string> = {
  onWake: "actorflare uses RivetKit 2.0's name for it: onStart(c), which runs on every wake",
  onRequest: "actorflare uses RivetKit 2.0's name for it: onFetch(c, request, { auth })",
  onSleep:
    "Cloudflare moves an idle Durable Object out of memory without notice, so there is no sleep hook; state is saved after every handler (c.saveState() for long-lived sockets)",
  sleepTimeout: "Cloudflare decides when an idle Durable Object leaves memory; there is no sleep timeout to set",
  noSleep: "Cloudflare decides when an idle Durable Object leaves memory; an open connection keeps it listening while it hibernates",
  run: "actorflare has no run loop: start background work from onStart with c.waitUntil(...), or repeat it with c.schedule.after(...) or c.schedule.cron(...)",
  onMigrate: "actorflare has no migrate hook: migrate the state in onStart, or the database with actor({ db }) migrations",
  connParamsSchema: "actorflare does not validate conn params by schema: check them in onAuth or onBeforeConnect and throw to refuse",
  createVarsTimeout: "actorflare has no timeout for createVars; options.actionTimeout bounds actions",
  connectionLivenessTimeout: "the runtime tracks a connection's socket itself; there is no liveness timeout to set",
  connectionLivenessInterval: "the runtime tracks a connection's socket itself; there is no liveness interval to set",
  onStop:
    "a Durable Object leaves memory without a stop signal, so there is no stop hook; state is saved after every handler, and onDestroy runs when the actor is destroyed",
  types: "actorflare infers the actor's types from its config: annotate createState's input, the hooks' params and the actions' arguments instead",
  stateSaveInterval: "state changes are saved before each handler answers (c.saveState() for work outside a handler), so there is no save interval",
  onStopTimeout: "there is no stop hook to time (a Durable Object leaves memory without notice); options.actionTimeout bounds onDestroy",
  onDestroyTimeout: "options.actionTimeout bounds onDestroy",
  sleepGracePeriod: "Cloudflare decides when an idle Durable Object leaves memory; there is no grace period to set",
  waitUntilTimeout: "work passed to c.waitUntil() runs as long as the Durable Object lets it; there is no timeout to set",
  createConnStateTimeout: UNTIMED_HOOKS,
  onBeforeConnectTimeout: UNTIMED_HOOKS,
  onConnectTimeout: UNTIMED_HOOKS,
  canHibernateWebSocket:
    "raw onWebSocket sockets cannot hibernate here (the handler holds a live WebSocket); connections (actions and events) hibernate on their own",
  maxQueueSize: "actorflare has no queues (handle.send()): call an action, or schedule one with c.schedule.after(...)",
  maxQueueMessageSize: "actorflare has no queues (handle.send()); options.maxIncomingMessageSize bounds what a client sends",
};

/** PartyServer's `Server` and the Agents SDK's `Agent`: their hooks and options, as actor() would say them. */
const PARTYSERVER_AND_AGENTS_NAMES: Record<string, string> = {
  onMessage:
    "connections speak in actions and events here: give each kind of message an action (actions: { ... }) that clients call by name; a raw onWebSocket(c, websocket) handler reads frames itself",
  onClose: "use onDisconnect(c, conn), which runs when a connection closes (a raw socket from onWebSocket has its own close event)",
  onError:
    "there is no connection error hook: an action that throws answers its caller with the error (a UserError keeps its code), and a connection that fails ends in onDisconnect",
  onAlarm: 'the actor\'s alarm runs its schedule: use c.schedule.after(ms, "action", ...args), c.schedule.at(...) or c.schedule.cron(...)',
  onEmail: "actors do not receive email: handle it in your Worker's email() handler and call the actor from there",
  initialState: "use state: { ... }, or createState(c, input) to make it from the creation's input",
  onStateUpdate: "use onStateChange(c, newState), which runs after every change to c.state",
  onStateChanged: "use onStateChange(c, newState), which runs after every change to c.state",
  setState: "assign to c.state in a handler (c.state.count++); it is saved when the handler ends",
  hibernate: "connections always hibernate (the WebSocket Hibernation API); raw onWebSocket sockets never can",
};

/** What to write instead of a name another framework takes and actorflare does not, if it is one. */
export function foreignNameHint(name: string): string | undefined {
  if (Object.hasOwn(RIVETKIT_NAMES, name)) return RIVETKIT_NAMES[name];
  return Object.hasOwn(PARTYSERVER_AND_AGENTS_NAMES, name) ? PARTYSERVER_AND_AGENTS_NAMES[name] : undefined;
}
