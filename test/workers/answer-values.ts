/**
 * Class instances and other values an action may answer with (test/workers/action-answers.test.ts):
 * JSON and CBOR carry an object as its own enumerable properties, whatever its class.
 */

export class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

/** A getter and a method live on the prototype: neither encoding carries them. */
export class Labelled {
  constructor(public label: string) {}
  get upper(): string {
    return this.label.toUpperCase();
  }
  shout(): string {
    return `${this.label}!`;
  }
}

/** A class instance holding class instances. */
export class Segment {
  constructor(
    public from: Point,
    public to: Point,
  ) {}
}

export type Shape = "point" | "labelled" | "nested" | "symbol" | "function" | "bigint";

export function shaped(kind: Shape): unknown {
  if (kind === "point") return new Point(3, 4);
  if (kind === "labelled") return new Labelled("hi");
  if (kind === "nested") return { segment: new Segment(new Point(0, 0), new Point(1, 2)), points: [new Point(5, 6)] };
  if (kind === "symbol") return { s: Symbol("s"), n: 1 };
  if (kind === "function") return { f: () => 1, n: 1 };
  return { n: 5n };
}
