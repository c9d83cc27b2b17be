// The one way an element shows text someone typed (a person's name, a chat's
// title, a message, a file's name, a poll, a comment): `dir="auto"` takes its
// direction from its own first strong letter, and the `user-text` class
// (style.css: `unicode-bidi: isolate`) keeps it from turning the text around
// it, so a name written right to left, or one stored before the server
// refused direction controls, cannot reorder the «написал(а)», the time or a
// file's size beside it. Spread it on the element: `<p {...userText('msg-text')}>`.

/** Attributes for an element that shows user-supplied text; `cls`: its own classes. */
export function userText(cls?: string): { dir: 'auto'; class: string } {
  return { dir: 'auto', class: cls ? `${cls} user-text` : 'user-text' };
}

/**
 * The same isolation for a name put inside a translated sentence
 * (t('aw.by', { teacher: isolated(name) })), where no element of its own fits:
 * FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE around it.
 */
export function isolated(text: string): string {
  return `\u2068${text}\u2069`;
}
