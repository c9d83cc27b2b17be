// A self-chosen name refused over HTTP (join by code, the demo room,
// viewers' comments): one answer per reason of security/displayNames.ts, the
// reason named in the JSON (`reason`) so each page says it in its own words.
import { type GuestNameProblem, guestNameProblem } from '../security/displayNames.js';
import { HttpError } from './httpUtil.js';

const ANSWERS: Record<GuestNameProblem, { status: number; message: string }> = {
  name_empty: { status: 400, message: 'a name is required' },
  name_letters: {
    status: 400,
    message: 'a name may use Russian or Latin letters, digits, spaces, hyphens, apostrophes and dots',
  },
  name_role: { status: 400, message: 'this name looks like a role; please use your own name' },
  name_of_another: {
    status: 409,
    message: 'someone in this lesson already has this name; add something to yours',
  },
};

/** Throws the typed refusal of `name` beside `others`, counting it by reason; returns otherwise. */
export function checkGuestName(
  name: string,
  others: Iterable<string>,
  count: (reason: string) => void,
): void {
  const problem = guestNameProblem(name, others);
  if (!problem) return;
  count(problem);
  const { status, message } = ANSWERS[problem];
  throw new HttpError(status, message, { reason: problem });
}
