import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchLiveness } from "../../src/client/liveness";

// The client's heartbeat (src/client/liveness.ts) on its own, on fake timers: when it asks, and
// when it gives a transport up.

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function watched(options = { interval: 1_000, timeout: 500 }) {
  const asked: number[] = [];
  let deadAt: number | undefined;
  const start = Date.now();
  const liveness = watchLiveness(
    options,
    () => asked.push(Date.now() - start),
    () => {
      deadAt = Date.now() - start;
    },
  );
  return { liveness, asked, dead: () => deadAt };
}

describe("watchLiveness", () => {
  it("asks after the interval of silence, and gives up when the timeout passes unanswered", () => {
    const { asked, dead } = watched();
    vi.advanceTimersByTime(999);
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(asked).toEqual([1_000]);
    vi.advanceTimersByTime(499);
    expect(dead()).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(dead()).toBe(1_500);
    // Once: nothing more is asked or reported.
    vi.advanceTimersByTime(10_000);
    expect(asked).toEqual([1_000]);
  });

  it("anything heard keeps it alive; an answer to a question starts the interval again", () => {
    const { liveness, asked, dead } = watched();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(900);
      liveness.heard(true);
    }
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(asked).toEqual([10_000]);
    vi.advanceTimersByTime(200);
    liveness.heard(true);
    vi.advanceTimersByTime(1_000);
    expect(dead()).toBeUndefined();
    expect(asked).toEqual([10_000, 11_200]);
  });

  it("a timer that fires late (the process was stalled) looks again after what arrived meanwhile, rather than give up", () => {
    const { liveness, asked, dead } = watched();
    vi.advanceTimersByTime(1_000);
    expect(asked).toEqual([1_000]);
    // The process stalls for 20 s: the clock moves on, no timer runs, and the answer waits unread.
    vi.setSystemTime(Date.now() + 20_000);
    vi.advanceTimersByTime(500);
    expect(dead()).toBeUndefined();
    // The answer is read once the stall is over, before the next look.
    liveness.heard(true);
    vi.advanceTimersByTime(10);
    expect(dead()).toBeUndefined();
  });

  it("what does not answer the question (events still flowing in) keeps the interval off but cannot save a dead uplink", () => {
    const { liveness, asked, dead } = watched();
    liveness.probe();
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(100);
      liveness.heard(false);
    }
    vi.advanceTimersByTime(100);
    expect(asked).toEqual([0]);
    expect(dead()).toBe(500);
  });

  it("probe() asks at once, and not twice while a question is pending; stop() ends it", () => {
    const { liveness, asked, dead } = watched();
    vi.advanceTimersByTime(100);
    liveness.probe();
    liveness.probe();
    expect(asked).toEqual([100]);
    liveness.stop();
    vi.advanceTimersByTime(10_000);
    expect(dead()).toBeUndefined();
    expect(asked).toEqual([100]);
  });
});
