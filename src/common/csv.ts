// Cells a spreadsheet would run as a formula (OWASP "CSV injection"): a leading =, +, -, @, tab
// or carriage return. Text typed by people (subject codes, rationales, user agents) must stay
// text, so such cells get a leading apostrophe, which spreadsheets show as text.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 cell: quoted when it holds a quote, comma or line break, quotes doubled. Numbers
 * and booleans are written as they are (a negative difference is a number, not a formula);
 * objects as JSON.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
