import { encode as cborEncode } from "cbor-x";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ActorflareError } from "../../src/protocol/errors";
import { decodeToServer, MAX_INCOMING_MESSAGE_BYTES, type ToServer } from "../../src/protocol/messages";
import { LOCATION_HINTS } from "../../src/protocol/placement";
import { MAX_KEY_PART_LENGTH, parseActorQuery, parseActorQueryJson } from "../../src/protocol/query";
import { acceptedProtocol, buildProtocols, parseProtocols } from "../../src/protocol/subprotocols";
import { readHttpActorRequest, readWebSocketActorRequest } from "../../src/worker/actor-request";

// Property-based fuzzing (fast-check) of the pure parsers that see client input first: the actor
// query (header or subprotocol), the subprotocol list, the connection-message decoder (JSON text
// and CBOR bytes) and the raw-route path parser, plus the header readers of the front Worker
// that combine them. Two kinds of properties:
//   - robustness: for any input, the parser returns or throws an ActorflareError with a
//     snake_case code from the expected set; no other exception escapes;
//   - round trips: a valid input parses to its normalised form.
// Runs are seeded (FUZZ_SEED, default below) so a failure reproduces; the seed is printed.

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_427);
/** Runs per property; every property is bounded in size, so the whole file takes a few seconds. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);
const params = (numRuns = RUNS): fc.Parameters<unknown> => ({ seed: SEED, numRuns, endOnFailure: true });

const figures: Array<[string, number]> = [];
function check<Ts extends [unknown, ...unknown[]]>(name: string, property: fc.IProperty<Ts>, numRuns = RUNS): void {
  fc.assert(property, params(numRuns) as fc.Parameters<Ts>);
  figures.push([name, numRuns]);
}

/**
 * Runs `parse`; it may return, or throw an ActorflareError whose code is snake_case and one of
 * `codes`. Anything else escaping is the bug this file looks for.
 */
function onlyActorflareErrors<T>(parse: () => T, codes: readonly string[]): { value: T } | { error: ActorflareError } {
  try {
    return { value: parse() };
  } catch (error) {
    if (!(error instanceof ActorflareError)) {
      throw new Error(`a non-ActorflareError escaped: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    // Plain checks, not expect(): this runs hundreds of thousands of times.
    const problem = !/^[a-z_]+$/.test(error.code)
      ? "code is not snake_case"
      : !codes.includes(error.code)
        ? `unexpected code (allowed: ${codes.join(", ")})`
        : typeof error.message !== "string" || error.message.length === 0
          ? "empty message"
          : !error.public || error.status < 400 || error.status >= 500
            ? `not a public 4xx (status ${error.status})`
            : undefined;
    if (problem) throw new Error(`ActorflareError ${error.code}: ${problem}`);
    return { error };
  }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const VARIANTS = ["getForId", "getForKey", "getOrCreateForKey", "create"] as const;
type Variant = (typeof VARIANTS)[number];
const KNOWN_FIELDS = ["name", "key", "input", "region", "actorId"];

/** One UTF-16 code unit or code point, biased towards characters that matter to these parsers. */
const hostileUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  // Lone surrogates: not produced by the `binary` unit, but a client can send them.
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "%",
      "/",
      "//",
      ",",
      ", ",
      ".",
      "..",
      " ",
      "\t",
      '"',
      "{",
      "}",
      "[",
      "]",
      ":",
      "\\",
      "%2F",
      "%2f",
      "%2e",
      "%2E%2E",
      "%ZZ",
      "%E0%A4%A",
      "%00",
      "\u0000",
      "raw",
      "http",
      "websocket",
      "registry",
      "actors",
      "query.",
      "encoding.",
      "conn_params.",
      "rivetkit",
      "json",
      "cbor",
    ),
  },
);
const hostileString = (maxLength = 60) => fc.string({ unit: hostileUnit, maxLength });

/** A key part the schema accepts: at most 128 UTF-16 code units (a code point may take two). */
const keyPart = fc.string({ unit: "binary", maxLength: MAX_KEY_PART_LENGTH / 2 });
const keyArb = fc.oneof(fc.array(keyPart, { maxLength: 4 }), keyPart, fc.constant(null), fc.constant(undefined));
const nameArb = fc.string({ unit: "binary", minLength: 1, maxLength: 30 });
/** JSON values; `__proto__` keys are left out because CBOR (cbor-x) renames them on purpose. */
const jsonValue = fc.jsonValue({ maxDepth: 3 }).filter((value) => !JSON.stringify(value).includes('"__proto__"'));
/** Extra fields the parser must ignore (RivetKit's client puts its whole option bag into `create`). */
const extras = (exclude: readonly string[]) =>
  fc.array(
    fc.tuple(
      fc.string({ unit: "binary", maxLength: 12 }).filter((k) => !exclude.includes(k)),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    { maxLength: 3 },
  );

function normaliseKey(key: unknown): string[] {
  return key === null || key === undefined ? [] : typeof key === "string" ? [key] : (key as string[]);
}

/** A valid query as a client might write it, with the normalised form the parser must return. */
const validQuery = fc
  .record({
    variant: fc.constantFrom(...VARIANTS),
    name: nameArb,
    key: keyArb,
    input: fc.option(jsonValue, { nil: undefined }),
    region: fc.option(fc.constantFrom(...LOCATION_HINTS), { nil: undefined }),
    actorId: fc.string({ unit: "binary", minLength: 1, maxLength: 70 }),
    withName: fc.boolean(),
    inner: extras(KNOWN_FIELDS),
    outer: extras([...VARIANTS]),
  })
  .map((g) => {
    let body: Record<string, unknown>;
    let expected: Record<string, unknown>;
    if (g.variant === "getForId") {
      body = g.withName ? { name: g.name, actorId: g.actorId } : { actorId: g.actorId };
      // Ids are lower-cased, the one form `resolve` answers (docs/protocol.md §2).
      expected = { ...body, actorId: g.actorId.toLowerCase() };
    } else {
      body = { name: g.name };
      if (g.key !== undefined) body.key = g.key;
      expected = { name: g.name, key: normaliseKey(g.key) };
      if (g.variant !== "getForKey") {
        if (g.input !== undefined) {
          body.input = g.input;
          expected.input = JSON.parse(JSON.stringify(g.input));
        }
        if (g.region !== undefined) body.region = g.region;
        if (g.region !== undefined) expected.region = g.region;
      }
    }
    // Object.fromEntries defines own properties, so even a `__proto__` extra is a plain field.
    const value = Object.fromEntries([[g.variant, Object.fromEntries([...g.inner, ...Object.entries(body)])], ...g.outer]);
    return { value, expected: { [g.variant]: expected } as Record<Variant, unknown> };
  });

/** Query-like values: any subset of the variants, each holding anything or a record of anythings. */
const nearQuery = fc
  .record({
    variants: fc.subarray([...VARIANTS]),
    bodies: fc.array(
      fc.oneof(
        fc.anything({ maxDepth: 2 }),
        fc.record(
          {
            name: fc.oneof(nameArb, fc.anything({ maxDepth: 1 })),
            key: fc.oneof(keyArb, fc.anything({ maxDepth: 2 }), fc.array(fc.string({ maxLength: 200 }), { maxLength: 3 })),
            actorId: fc.anything({ maxDepth: 1 }),
            input: fc.anything({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        ),
      ),
      { minLength: 4, maxLength: 4 },
    ),
  })
  .map(({ variants, bodies }) => Object.fromEntries(variants.map((variant, i) => [variant, bodies[i]])));

/** A valid client→server message. */
const validMessage: fc.Arbitrary<ToServer> = fc.oneof(
  fc.record({ i: fc.nat(), n: fc.string({ unit: "binary", maxLength: 20 }), a: fc.array(jsonValue, { maxLength: 4 }) }).map((ar) => ({ b: { ar } })),
  fc.record({ e: fc.string({ unit: "binary", maxLength: 20 }), s: fc.boolean() }).map((sr) => ({ b: { sr } })),
);

/** Message-like values: the right envelope with wrong parts, wrong envelopes, extra tags. */
const nearMessage = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record({ b: fc.anything({ maxDepth: 2 }) }),
  fc.record({
    b: fc.record({
      ar: fc.record(
        { i: fc.oneof(fc.integer(), fc.double(), fc.anything({ maxDepth: 0 })), n: fc.anything({ maxDepth: 1 }), a: fc.anything({ maxDepth: 1 }) },
        { requiredKeys: [] },
      ),
    }),
  }),
  fc.record({ b: fc.record({ sr: fc.record({ e: fc.anything({ maxDepth: 1 }), s: fc.anything({ maxDepth: 0 }) }, { requiredKeys: [] }) }) }),
  fc.tuple(validMessage, validMessage).map(([x, y]) => ({ b: { ...x.b, ...y.b } })),
  fc.tuple(validMessage, fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 })).map(([m, k, v]) => ({ b: { ...m.b, [k]: v } })),
);

/** ASCII-only JSON text (header values must be ByteStrings). */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
/** A header value Node's Headers accepts: printable ASCII. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });

const QUERY_CODES = ["invalid_query_json", "invalid_request"];
const MESSAGE_CODES = ["malformed_message", "message_too_long"];

// ---------------------------------------------------------------------------------------------
// The actor query
// ---------------------------------------------------------------------------------------------

describe("parseActorQueryJson / parseActorQuery", () => {
  it("any text: a query or invalid_query_json / invalid_request, nothing else", () => {
    check(
      "query: any text",
      fc.property(fc.oneof(hostileString(120), fc.json({ maxDepth: 3 }), fc.string({ unit: "binary", maxLength: 200 })), (text) => {
        const outcome = onlyActorflareErrors(() => parseActorQueryJson(text), QUERY_CODES);
        // Text that is not JSON must be reported as such, not as a shape problem.
        let isJson = true;
        try {
          JSON.parse(text);
        } catch {
          isJson = false;
        }
        if (!isJson) expect("error" in outcome && outcome.error.code).toBe("invalid_query_json");
      }),
    );
  });

  it("query-shaped JSON with wrong parts: a query or invalid_request", () => {
    check(
      "query: near-valid JSON",
      fc.property(nearQuery, (value) => {
        let text: string;
        try {
          text = JSON.stringify(value);
        } catch {
          return; // bigint etc.: cannot be JSON, so cannot arrive in a header
        }
        if (text === undefined) return;
        onlyActorflareErrors(() => parseActorQueryJson(text), ["invalid_request"]);
      }),
    );
  });

  it("any JS value given to parseActorQuery: a query or invalid_request", () => {
    check(
      "query: any value",
      fc.property(
        fc.oneof(
          fc.anything({
            maxDepth: 3,
            withNullPrototype: true,
            withBoxedValues: true,
            withMap: true,
            withSet: true,
            withSparseArray: true,
            withTypedArray: true,
          }),
          nearQuery,
        ),
        (value) => {
          const outcome = onlyActorflareErrors(() => parseActorQuery(value), ["invalid_request"]);
          if ("value" in outcome) expect(Object.keys(outcome.value)).toHaveLength(1);
        },
      ),
    );
  });

  it("a valid query (extra fields anywhere, string/array/missing/null key) parses to its normalised form", () => {
    check(
      "query: valid round trip",
      fc.property(validQuery, ({ value, expected }) => {
        expect(parseActorQueryJson(JSON.stringify(value))).toEqual(expected);
      }),
    );
  });

  it("a key part over 128 code units is invalid_request", () => {
    check(
      "query: key part too long",
      fc.property(
        fc.constantFrom("getForKey", "getOrCreateForKey", "create"),
        nameArb,
        fc.string({ minLength: MAX_KEY_PART_LENGTH + 1, maxLength: 400 }),
        fc.boolean(),
        (variant, name, part, asArray) => {
          const text = JSON.stringify({ [variant]: { name, key: asArray ? ["ok", part] : part } });
          const outcome = onlyActorflareErrors(() => parseActorQueryJson(text), ["invalid_request"]);
          expect("error" in outcome).toBe(true);
        },
      ),
      500,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Subprotocols
// ---------------------------------------------------------------------------------------------

/** A user subprotocol: an HTTP token that none of RivetKit's prefixes claims. */
const userProtocol = fc
  .stringMatching(/^[A-Za-z0-9!#$&'*+^_`|~-][A-Za-z0-9!#$&'*+.^_`|~-]{0,15}$/)
  .filter((p) => !p.startsWith("query.") && !p.startsWith("encoding.") && !p.startsWith("conn_params.") && p !== "rivetkit");

describe("parseProtocols", () => {
  it("never throws, and lists every non-empty trimmed entry in order", () => {
    check(
      "protocols: any header",
      fc.property(
        fc.option(
          fc.oneof(
            hostileString(200),
            fc.array(hostileString(30), { maxLength: 6 }).map((entries) => entries.join(",")),
          ),
          { nil: null },
        ),
        (header) => {
          const parsed = parseProtocols(header);
          expect(parsed.offered).toEqual(
            (header ?? "")
              .split(",")
              .map((e) => e.trim())
              .filter((e) => e.length > 0),
          );
          for (const field of [parsed.query, parsed.encoding, parsed.connParams]) if (field !== undefined) expect(typeof field).toBe("string");
        },
      ),
    );
  });

  it("buildProtocols → header → parseProtocols recovers query, encoding and params; the query then parses", () => {
    check(
      "protocols: round trip",
      fc.property(
        validQuery,
        fc.constantFrom("json", "cbor"),
        fc.option(jsonValue, { nil: undefined }),
        fc.array(userProtocol, { maxLength: 3 }),
        fc.constantFrom(",", ", ", " ,  "),
        ({ value, expected }, encoding, connParams, user, separator) => {
          const queryJson = JSON.stringify(value);
          const connParamsJson = connParams === undefined ? undefined : JSON.stringify(connParams);
          const built = buildProtocols({ queryJson, encoding, connParamsJson }, user);
          const parsed = parseProtocols(built.join(separator));
          expect(parsed.offered).toEqual(built);
          expect(parsed.query).toBe(queryJson);
          expect(parsed.encoding).toBe(encoding);
          expect(parsed.connParams).toBe(connParamsJson);
          expect(acceptedProtocol(parsed.offered)).toBe("rivetkit");
          // Every entry is an HTTP token, so browsers and `ws` accept it.
          for (const entry of built.slice(0, -user.length || undefined)) expect(entry).toMatch(/^[A-Za-z0-9!#$%&'*+.^_`|~()-]+$/);
          expect(parseActorQueryJson(parsed.query!)).toEqual(expected);
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Connection messages
// ---------------------------------------------------------------------------------------------

function cborBytes(value: unknown): Uint8Array | undefined {
  try {
    return cborEncode(value).slice();
  } catch {
    return undefined;
  }
}

describe("decodeToServer", () => {
  it("any text as a JSON frame: a message or malformed_message", () => {
    check(
      "messages: any JSON text",
      fc.property(
        fc.oneof(
          hostileString(200),
          fc.json({ maxDepth: 4 }),
          nearMessage.map((m) => {
            try {
              return JSON.stringify(m) ?? "x";
            } catch {
              return "x";
            }
          }),
        ),
        (text) => {
          onlyActorflareErrors(() => decodeToServer("json", text), ["malformed_message"]);
        },
      ),
    );
  });

  it("any bytes as a CBOR frame: a message or malformed_message", () => {
    check(
      "messages: random CBOR bytes",
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        onlyActorflareErrors(() => decodeToServer("cbor", bytes), ["malformed_message"]);
        onlyActorflareErrors(
          () => decodeToServer("cbor", bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer),
          ["malformed_message"],
        );
      }),
    );
  });

  it("CBOR of any value (tags, maps, sets, typed arrays, bigints, dates): a message or malformed_message", () => {
    check(
      "messages: CBOR of anything",
      fc.property(
        fc.oneof(
          fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }),
          nearMessage,
        ),
        (value) => {
          const bytes = cborBytes(value);
          if (bytes) onlyActorflareErrors(() => decodeToServer("cbor", bytes), ["malformed_message"]);
        },
      ),
    );
  });

  it("every strict prefix of a valid CBOR message (truncated CBOR) is malformed_message", () => {
    check(
      "messages: truncated CBOR",
      fc.property(validMessage, (message) => {
        const bytes = cborBytes(message)!;
        // Every prefix of short messages; about 30 spread over long ones (plus the last byte cut).
        const step = Math.max(1, Math.floor(bytes.length / 30));
        for (let length = 0; length < bytes.length; length = length + step >= bytes.length && length !== bytes.length - 1 ? bytes.length - 1 : length + step) {
          const outcome = onlyActorflareErrors(() => decodeToServer("cbor", bytes.subarray(0, length)), ["malformed_message"]);
          if (!("error" in outcome)) throw new Error(`a ${length}-byte prefix of ${bytes.length} bytes decoded`);
        }
      }),
      1_000,
    );
  });

  it("a valid CBOR message with bytes flipped: a message of the right shape or malformed_message", () => {
    check(
      "messages: mutated CBOR",
      fc.property(validMessage, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (message, flips) => {
        const bytes = cborBytes(message)!;
        for (const [at, xor] of flips) bytes[at % bytes.length] ^= xor;
        const outcome = onlyActorflareErrors(() => decodeToServer("cbor", bytes), ["malformed_message"]);
        if ("value" in outcome) expect(Object.keys(outcome.value.b)).toHaveLength(1);
      }),
    );
  });

  it("every strict prefix of a valid JSON message is malformed_message", () => {
    check(
      "messages: truncated JSON",
      fc.property(validMessage, (message) => {
        const text = JSON.stringify(message);
        const step = Math.max(1, Math.floor(text.length / 30));
        for (let length = 0; length < text.length; length = length + step >= text.length && length !== text.length - 1 ? text.length - 1 : length + step) {
          const outcome = onlyActorflareErrors(() => decodeToServer("json", text.slice(0, length)), ["malformed_message"]);
          if (!("error" in outcome)) throw new Error(`a ${length}-character prefix of ${text.length} decoded`);
        }
      }),
      1_000,
    );
  });

  it("JSON on a binary frame and CBOR on a text frame are malformed_message", () => {
    check(
      "messages: wrong frame type",
      fc.property(validMessage, (message) => {
        const text = JSON.stringify(message);
        for (const attempt of [() => decodeToServer("json", new TextEncoder().encode(text)), () => decodeToServer("cbor", text)]) {
          const outcome = onlyActorflareErrors(attempt, ["malformed_message"]);
          expect("error" in outcome).toBe(true);
        }
      }),
      1_000,
    );
  });

  it("valid messages round-trip in both encodings", () => {
    check(
      "messages: valid round trip",
      fc.property(validMessage, (message) => {
        expect(decodeToServer("json", JSON.stringify(message))).toEqual(JSON.parse(JSON.stringify(message)));
        expect(decodeToServer("cbor", cborBytes(message)!)).toEqual(message);
      }),
    );
  });

  it("frames over 65,536 bytes are message_too_long, counted in bytes (not UTF-16 units); 65,536 bytes still decode", () => {
    const envelope = (pad: string) => JSON.stringify({ b: { ar: { i: 1, n: "x", a: [pad] } } });
    const overhead = envelope("").length;
    const exact = envelope("a".repeat(MAX_INCOMING_MESSAGE_BYTES - overhead));
    expect(new TextEncoder().encode(exact).byteLength).toBe(MAX_INCOMING_MESSAGE_BYTES);
    expect(decodeToServer("json", exact).b).toHaveProperty("ar");
    // 2-byte characters: fewer than 65,536 UTF-16 units, more than 65,536 bytes.
    const wide = envelope("é".repeat((MAX_INCOMING_MESSAGE_BYTES - overhead) / 2 + 1));
    expect(wide.length).toBeLessThan(MAX_INCOMING_MESSAGE_BYTES);
    expect(() => decodeToServer("json", wide)).toThrow(expect.objectContaining({ code: "message_too_long" }));

    check(
      "messages: oversized frames",
      fc.property(fc.integer({ min: 1, max: 4_096 }), fc.constantFrom("json", "cbor"), fc.boolean(), (extra, encoding, garbage) => {
        const size = MAX_INCOMING_MESSAGE_BYTES + extra;
        const frame =
          encoding === "json"
            ? garbage
              ? "{".repeat(size)
              : envelope("a".repeat(size - overhead))
            : garbage
              ? new Uint8Array(size).fill(0xff)
              : cborBytes({ b: { ar: { i: 0, n: "x", a: [new Uint8Array(size)] } } })!;
        const outcome = onlyActorflareErrors(() => decodeToServer(encoding, frame), MESSAGE_CODES);
        expect("error" in outcome && outcome.error.code).toBe("message_too_long");
      }),
      200,
    );
  });
});

// Raw routes are Hono's (src/worker/router.ts); test/workers/raw-routes.test.ts fuzzes them
// through the real front Worker.

// ---------------------------------------------------------------------------------------------
// Header readers of the front Worker
// ---------------------------------------------------------------------------------------------

const HEADER_CODES = ["invalid_encoding", "invalid_query_json", "invalid_request", "invalid_params"];

describe("readHttpActorRequest / readWebSocketActorRequest", () => {
  const queryHeader = fc.oneof(
    headerText,
    validQuery.map(({ value }) => asciiJson(value)),
    nearQuery.map((v) => {
      try {
        return asciiJson(v) ?? "";
      } catch {
        return "";
      }
    }),
  );
  const headersArb = fc.record(
    {
      "x-rivetkit-query": queryHeader,
      "x-rivetkit-actor-query": queryHeader,
      "x-rivetkit-encoding": fc.oneof(fc.constantFrom("json", "cbor", "JSON", "Cbor", " json", "bare", ""), headerText),
      "x-rivetkit-conn-params": fc.oneof(headerText, fc.jsonValue({ maxDepth: 2 }).map(asciiJson)),
      "sec-websocket-protocol": fc
        .array(
          fc.oneof(
            userProtocol,
            fc.constantFrom("rivetkit", "encoding.json", "encoding.cbor", "encoding.xml", "query.%7B", "conn_params.%ZZ"),
            validQuery.map(({ value }) => `query.${encodeURIComponent(JSON.stringify(value))}`),
            headerText.map((t) => `conn_params.${encodeURIComponent(t)}`),
          ),
          { maxLength: 5 },
        )
        .map((e) => e.join(", ")),
    },
    { requiredKeys: [] },
  );

  it("any combination of protocol headers: request info or a 4xx ActorflareError", () => {
    check(
      "headers: HTTP and WebSocket readers",
      fc.property(headersArb, fc.boolean(), (headers, encodingRequired) => {
        const request = new Request("http://worker/registry/actors/resolve", { headers });
        const http = onlyActorflareErrors(() => readHttpActorRequest(request, { encodingRequired }), HEADER_CODES);
        if ("value" in http) {
          expect(["json", "cbor"]).toContain(http.value.encoding);
          expect(Object.keys(http.value.query)).toHaveLength(1);
        }
        const ws = onlyActorflareErrors(() => readWebSocketActorRequest(request, { encodingRequired }), HEADER_CODES);
        if ("value" in ws) expect(["json", "cbor"]).toContain(ws.value.encoding);
      }),
    );
  });
});

describe("figures", () => {
  it("prints the runs", () => {
    const total = figures.reduce((sum, [, runs]) => sum + runs, 0);
    console.log(
      `[fuzz] seed ${SEED}; ${figures.length} properties, ${total} generated inputs in all:\n${figures.map(([name, runs]) => `  ${runs.toString().padStart(5)}  ${name}`).join("\n")}`,
    );
    expect(total).toBeGreaterThan(10_000);
  });
});
