// Types `env` and `exports` from `cloudflare:workers` for the test worker.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("./worker");
  }
  interface Env {
    COUNTER: DurableObjectNamespace;
    LIFECYCLE: DurableObjectNamespace;
    INSPECTOR: DurableObjectNamespace;
    BIG_STATE: DurableObjectNamespace;
    SCHEDULED: DurableObjectNamespace;
    PATIENT_SCHEDULED: DurableObjectNamespace;
    CHAT_ROOM: DurableObjectNamespace;
    LAYOUT: DurableObjectNamespace;
    PLACED: DurableObjectNamespace;
    SUBSCRIBER: DurableObjectNamespace;
    TIGHT_SUBSCRIBER: DurableObjectNamespace;
    BAD_MIGRATION: DurableObjectNamespace;
    DOOMED: DurableObjectNamespace;
    BACKGROUND: DurableObjectNamespace;
    SHARING: DurableObjectNamespace;
    CONFIGURED: DurableObjectNamespace;
  }
}
