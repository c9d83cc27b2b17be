// The one rule for text that arrives from outside, applied where it arrives
// (a decoded socket frame, a JSON body, upload metadata): no NUL, no other
// C0 control but tab, newline and carriage return, no lone surrogate.
// PostgreSQL's text and jsonb refuse NUL and lone surrogates, so without the
// rule such text failed deep inside a request as an internal error (after
// some of its work was done); the other controls are invisible in a name or
// a title. Refused as the caller's own typed "invalid argument", nothing
// changed.

const BAD =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these characters are what the rule refuses.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than any message or body of ours; deeper is refused rather than walked. */
const MAX_DEPTH = 32;

/**
 * Where in `value` (a decoded protobuf message or a parsed JSON value) a
 * string breaks the rule, as a path ("folders.1.name"), or null if none does.
 */
export function badTextIn(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return BAD.test(value) ? path || '(text)' : null;
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return null;
  if (depth >= MAX_DEPTH) return path || '(value)';
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = badTextIn(value[i], at(String(i)), depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (BAD.test(key)) return at('(key)');
    const bad = badTextIn((value as Record<string, unknown>)[key], at(key), depth + 1);
    if (bad) return bad;
  }
  return null;
}

/** The sentence a refusal gives (English, for logs and developers; screens show their own). */
export function badTextMessage(path: string): string {
  return `${path}: text with a control character or a broken surrogate`;
}
