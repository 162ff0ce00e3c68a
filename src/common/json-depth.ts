import { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Deepest nesting of objects and arrays a JSON body may have. Every DTO is at most three levels
 * deep; class-transformer recurses once per level, so a body nested thousands deep would overflow
 * the stack inside the validation pipe and surface as a 500.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * The nesting depth of a JSON text, counted on the raw bytes before parsing: brackets inside
 * strings do not count. Stops counting as soon as `limit` is exceeded. UTF-8 is safe to scan byte
 * by byte because quote, backslash and brackets never occur inside a multi-byte sequence.
 */
export function jsonDepthExceeds(body: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < body.length; index++) {
    const byte = body[index];
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * The JSON body parser's `verify` hook: refuses a too-deep body with a 400 before it is parsed.
 * body-parser turns the thrown error into an http error with this status, which the global
 * filter answers with the one error body.
 */
export function rejectDeepJson(
  request: IncomingMessage,
  _response: ServerResponse,
  body: Buffer,
): void {
  // The depth scan reads UTF-8 bytes; in UTF-16 a character such as U+2200 holds a quote byte,
  // which would hide real nesting from it. RFC 8259 requires UTF-8 for JSON between systems anyway.
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(
    request.headers['content-type'] ?? '',
  )?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw Object.assign(new Error(`JSON bodies must be UTF-8, not ${charset}`), {
      status: 415,
      type: 'charset.unsupported',
    });
  }
  if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) {
    throw Object.assign(new Error(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), {
      status: 400,
      type: 'entity.too.deep',
    });
  }
}
