// Types `exports` from `cloudflare:workers` as the test worker's own exports.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("./worker");
  }
}
