// The one rule for text that arrives from outside, applied where it arrives
// (a decoded socket frame, a JSON body, upload metadata): no NUL, no other
// C0 control but tab, newline and carriage return, no lone surrogate.
// PostgreSQL's text and jsonb refuse NUL and lone surrogates, so without the
// rule such text failed deep inside a request as an internal error (after
// some of its work was done); the other controls are invisible in a name or
// a title. Refused as the caller's own typed "invalid argument", nothing
// changed.
//
// Names and titles (every field whose name ends in "name" or "title", in
// the .proto files and in JSON bodies and upload metadata alike: file names,
// chat, folder, lesson and collection titles, display names) hold no DEL or
// C1 control either, no bidi control (an override turns
// `a\u202Egpj.exe` into «aexe.jpg» on screen) and no noncharacter: one list
// they are shown in is no place for them.
//
// No field at all (message texts, poll questions and options, comments…)
// holds an explicit embedding, override or isolate (U+202A–U+202E,
// U+2066–U+2069): an unclosed one turns the rest of a line around, hides a
// file's real ending or makes a message read as another person's words.
// Message texts keep the plain marks (U+200E, U+200F, U+061C) and every
// right-to-left letter, which people who write right to left need.

const BAD =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these characters are what the rule refuses.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const BAD_IN_NAME = /[\u007F-\u009F\p{Bidi_Control}\p{Noncharacter_Code_Point}]/u;

/** A field holding a name or a title: `name`, `displayName`, `filename`, `title`, `chatTitle`, `userNames`… */
const NAME_FIELD = /(?:name|title)s?$/i;

/** Deeper than any message or body of ours; deeper is refused rather than walked. */
const MAX_DEPTH = 32;

/**
 * Where in `value` (a decoded protobuf message or a parsed JSON value) a
 * string breaks the rule, as a path ("folders.1.name"), or null if none does.
 */
export function badTextIn(value: unknown, path = '', depth = 0, isName = false): string | null {
  if (typeof value === 'string')
    return BAD.test(value) || (isName && BAD_IN_NAME.test(value)) ? path || '(text)' : null;
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return null;
  if (depth >= MAX_DEPTH) return path || '(value)';
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = badTextIn(value[i], at(String(i)), depth + 1, isName);
      if (bad) return bad;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (BAD.test(key)) return at('(key)');
    const bad = badTextIn((value as Record<string, unknown>)[key], at(key), depth + 1, NAME_FIELD.test(key));
    if (bad) return bad;
  }
  return null;
}

/** The sentence a refusal gives (English, for logs and developers; screens show their own). */
export function badTextMessage(path: string): string {
  return `${path}: text with a control character, a direction override or a broken surrogate`;
}
