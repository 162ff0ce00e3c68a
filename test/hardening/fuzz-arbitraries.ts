import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  parameters: Parameter[];
  /** Media type and schema of the request body, if the operation declares one. */
  body?: { mediaType: string; schema: Schema };
}

export interface OpenApiDocument {
  paths: Record<string, Partial<Record<string, unknown>>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as
        | {
            parameters?: Parameter[];
            requestBody?: { content?: Record<string, { schema?: Schema }> };
          }
        | undefined;
      if (!op) continue;
      const [mediaType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      operations.push({
        method,
        path,
        parameters: op.parameters ?? [],
        body: mediaType ? { mediaType, schema: media?.schema ?? {} } : undefined,
      });
    }
  }
  return operations;
}

export function resolve(schema: Schema, doc: OpenApiDocument): Schema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    const name = current.$ref.split('/').pop() ?? '';
    current = doc.components?.schemas?.[name] ?? {};
  }
  if (current.allOf?.length === 1 && current.allOf[0]) return resolve(current.allOf[0], doc);
  return current;
}

/** A JSON fragment written into the body text as is: numbers JSON.stringify cannot produce. */
export class RawJson {
  constructor(readonly text: string) {}
}

export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Strings that have broken services before: NUL (Postgres rejects it), lone UTF-16 surrogates
 * (invalid text), bidi overrides, SQL and path fragments, and sizes just past common limits.
 */
export const HOSTILE_STRINGS: string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '\u202eevil',
  'e\u0301',
  "'; DROP TABLE users; --",
  '../../etc/passwd',
  '%00',
  '<script>alert(1)</script>',
  ' ',
  '',
  // Long, yet short enough for a URL (Node refuses request heads over 16 KiB with a bare 431).
  'x'.repeat(3000),
  '9'.repeat(400),
  '-0',
  'NaN',
  '1e309',
  'null',
  '2024-02-30',
  '0000-00-00T00:00:00Z',
  '00000000-0000-0000-0000-000000000000',
];

/** Nesting deep enough to have overflowed the stack in class-transformer (issue 16). */
const DEEP = [64, 1000, 5000];

export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(
    -1,
    0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.30000000000000004,
    5e-324,
    true,
    false,
    null,
  ),
  fc.constantFrom(
    new RawJson('1e400'),
    new RawJson('-1e400'),
    new RawJson('123456789012345678901234567890'),
    new RawJson('{"__proto__":{"admin":true}}'),
    new RawJson('{"constructor":{"prototype":{"admin":true}}}'),
  ),
  fc.constantFrom(...DEEP).map((n) => new RawJson('['.repeat(n) + ']'.repeat(n))),
  fc.constantFrom(...DEEP).map((n) => new RawJson('{"a":'.repeat(n) + '1' + '}'.repeat(n))),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.constantFrom(...HOSTILE_STRINGS), { maxLength: 3 }),
);

const isoDate = fc
  .date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** Values that satisfy the schema, as far as its keywords say. */
export function valid(schema: Schema, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string':
      if (s.format === 'uuid') return fc.uuid();
      if (s.format === 'date') return isoDate;
      if (s.format === 'date-time')
        return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'email') return fc.emailAddress();
      return fc.oneof(
        typeof s.example === 'string' ? fc.constant(s.example) : fc.string({ maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: s.maxLength ?? 40 }),
      );
    case 'number':
    case 'integer': {
      const min = s.minimum ?? -1000;
      const max = s.maximum ?? 1000;
      if (s.type === 'integer') return fc.integer({ min, max });
      if (s.multipleOf === 0.1) {
        return fc
          .integer({ min: Math.ceil(min * 10), max: Math.floor(max * 10) })
          .map((n) => n / 10);
      }
      return fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3
        ? fc.constant([])
        : fc.array(valid(s.items ?? {}, doc, depth + 1), { maxLength: 4 });
    case 'object':
    case undefined:
      if (!s.properties) return depth > 3 ? fc.constant({}) : fc.jsonValue({ maxDepth: 2 });
      {
        const props = Object.entries(s.properties).filter(
          ([, prop]) => resolve(prop, doc).format !== 'binary',
        );
        const names = props.map(([key]) => key);
        return fc.record(
          Object.fromEntries(props.map(([key, prop]) => [key, valid(prop, doc, depth + 1)])),
          { requiredKeys: (s.required ?? []).filter((key) => names.includes(key)) },
        );
      }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Valid values, values with one field swapped for a hostile one, and anything else. */
export function bodyValue(schema: Schema, doc: OpenApiDocument): fc.Arbitrary<unknown> {
  const good = valid(schema, doc);
  // A string field keeps its type but carries bad text, so it passes type checks and reaches
  // the database; any other field gets a value of any type.
  const badFor = (current: unknown): fc.Arbitrary<unknown> =>
    typeof current === 'string'
      ? fc.oneof(
          fc.constantFrom(...HOSTILE_STRINGS),
          fc.constantFrom(...HOSTILE_STRINGS).map((bad) => `${current}${bad}`),
          hostileJson,
        )
      : hostileJson;
  const withHostileField = fc
    .tuple(good, fc.nat(), fc.boolean())
    .chain(([value, pick, asExtra]) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return hostileJson;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      const key = asExtra || keys.length === 0 ? 'unexpected' : keys[pick % keys.length];
      return badFor(record[key]).map((bad) => ({ ...record, [key]: bad }));
    });
  return fc.oneof(
    { weight: 3, arbitrary: good },
    { weight: 6, arbitrary: withHostileField },
    { weight: 2, arbitrary: hostileJson },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

/** Body text that is not the JSON the route expects, or not JSON at all. */
export const malformedText = fc.constantFrom(
  '{',
  '{"a":}',
  '\u0000',
  '"just a string"',
  'null',
  '[]',
  '{"a":1,"a":2}',
  '',
  '\ufeff{}',
);

/**
 * Percent-encodes a string the way a hostile client would send it: lone surrogates go out as
 * their WTF-8 bytes (invalid UTF-8), which encodeURIComponent refuses to produce.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(text[i] ?? '');
    }
  }
  return out;
}

/** A path or query value: a known id, a schema value, a random one, or a hostile one. */
export function paramValue(
  schema: Schema | undefined,
  doc: OpenApiDocument,
  knownIds: string[],
): fc.Arbitrary<string> {
  const fromSchema = valid(schema ?? { type: 'string' }, doc).map((v) =>
    typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
  );
  return fc.oneof(
    { weight: 3, arbitrary: knownIds.length ? fc.constantFrom(...knownIds) : fc.uuid() },
    { weight: 3, arbitrary: fromSchema },
    { weight: 1, arbitrary: fc.uuid() },
    {
      weight: 3,
      arbitrary: fc.constantFrom(...HOSTILE_STRINGS, '-1', '1e400', '99999999999999999999'),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );
}
