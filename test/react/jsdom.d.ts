// The little of jsdom that rivetkit-hooks.test.ts uses. @types/jsdom would bring the DOM's own
// types, which clash with the Workers types these tests are checked against (see tsconfig.json).
declare module "jsdom" {
  export class JSDOM {
    constructor(html: string, options?: { url?: string });
    readonly window: { document: unknown; navigator: unknown };
  }
}
