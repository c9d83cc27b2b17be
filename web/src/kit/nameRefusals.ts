// What the join and demo pages say when the server refuses a self-chosen
// name: the reason it names (signaling/http/guestNames.ts) in the page's words.
import type { Key } from '../i18n/index.js';

const SAID: Record<string, Key> = {
  name_empty: 'code.noName',
  name_letters: 'code.nameLetters',
  name_role: 'code.roleName',
  name_of_another: 'code.nameTaken',
};

/** The words for a refused name, or null when the answer is not about the name. */
export function nameRefusal(body: { reason?: unknown }): Key | null {
  return typeof body.reason === 'string' ? (SAID[body.reason] ?? null) : null;
}
