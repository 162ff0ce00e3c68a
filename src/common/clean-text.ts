/**
 * Text the database can store and every library can handle. Postgres refuses U+0000 in text and
 * jsonb, and a lone UTF-16 surrogate is not Unicode at all (it cannot be encoded as UTF-8, and
 * `encodeURIComponent` inside validators throws on it); both would otherwise reach a 500.
 */
const NUL = '\u0000';
const LONE_SURROGATE = /\p{Cs}/u;

export interface TextProblem {
  field: string;
  message: string;
}

function problemOf(text: string, field: string): TextProblem | null {
  if (text.includes(NUL)) return { field, message: `${field} must not contain NUL characters` };
  if (LONE_SURROGATE.test(text)) {
    return { field, message: `${field} must be valid Unicode text (it holds a lone surrogate)` };
  }
  return null;
}

function childField(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Every string in `value` and every object key, walked without recursion (bodies are parsed from
 * untrusted JSON). Returns one problem per offending field, named by its path, e.g.
 * `settings.thresholds[1]`; `root` names the value itself (a path or query parameter).
 */
export function textProblems(value: unknown, root = ''): TextProblem[] {
  const problems: TextProblem[] = [];
  const pending: { value: unknown; field: string }[] = [{ value, field: root }];
  while (pending.length > 0) {
    const { value: current, field } = pending.pop()!;
    if (typeof current === 'string') {
      const problem = problemOf(current, field || 'value');
      if (problem) problems.push(problem);
    } else if (ArrayBuffer.isView(current)) {
      // Uploaded file bytes are not text.
      continue;
    } else if (Array.isArray(current)) {
      current.forEach((item, index) =>
        pending.push({ value: item, field: childField(field, index) }),
      );
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const keyProblem = problemOf(
          key,
          field ? `a property name in ${field}` : 'a property name',
        );
        if (keyProblem) problems.push(keyProblem);
        else pending.push({ value: item, field: childField(field, key) });
      }
    }
  }
  return problems;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\p{Cs}/gu;

/**
 * `text` with NUL, other control characters and lone surrogates written as visible `\uXXXX`
 * escapes: for messages that quote untrusted input (a ZIP manifest's cells) and are then stored
 * in jsonb, which refuses U+0000 and lone surrogates.
 */
export function printable(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
