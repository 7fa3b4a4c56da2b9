/** How the waits between tries grow: doubling from `base` up to `max`, less a random part. */
export interface Backoff {
  base: number;
  max: number;
  /** The share of each wait that is random (0: none, 1: "full jitter"), so that clients spread out. */
  jitter?: number;
}

/** The wait before try number `attempt + 1`, in ms (attempt 0 is the first retry). */
export function backoffDelay(attempt: number, { base, max, jitter = 0 }: Backoff): number {
  return Math.min(max, base * 2 ** attempt) * (1 - jitter * Math.random());
}

/**
 * Calls `fn` until it succeeds, at most `attempts` times, waiting a backoff delay between tries;
 * an error `retryable` does not accept ends the tries at once. The last error is thrown.
 */
export async function retrying<T>(fn: () => Promise<T>, options: { attempts: number; backoff: Backoff; retryable: (error: unknown) => boolean }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt + 1 >= options.attempts || !options.retryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, options.backoff)));
    }
  }
}
