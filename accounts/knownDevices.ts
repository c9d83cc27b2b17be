// A browser that signed in to an account before is let past the address's
// back-off for that account (the account's own back-off still holds). A
// school signs in from one shared address: one pupil spraying wrong
// passwords at random logins made every teacher's right password wait, up
// to 5 minutes (attack report 8). The browser keeps a cookie with a keyed
// hash of each login it signed in to (no login in the clear, a few at most);
// a stranger's browser has none, so guessing many accounts from one
// address still waits.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEVICE_COOKIE = 'sc_device';
/** Accounts one browser is remembered for (a family's shared tablet). */
const MAX_LOGINS = 6;
const MARK_CHARS = 22;

export class KnownDevices {
  constructor(private readonly secret: string) {}

  private mark(login: string): string {
    return createHmac('sha256', `${this.secret}:known-devices`)
      .update(login)
      .digest('base64url')
      .slice(0, MARK_CHARS);
  }

  /** Whether the cookie says this browser signed in to `login` before. */
  knows(cookie: string | undefined, login: string): boolean {
    const want = Buffer.from(this.mark(login));
    return marksOf(cookie).some((m) => m.length === want.length && timingSafeEqual(Buffer.from(m), want));
  }

  /** The cookie's value after a sign-in to `login`: this login last, the oldest dropped past the limit. */
  remember(cookie: string | undefined, login: string): string {
    const mark = this.mark(login);
    const kept = marksOf(cookie).filter((m) => m !== mark);
    return [...kept, mark].slice(-MAX_LOGINS).join('.');
  }
}

function marksOf(cookie: string | undefined): string[] {
  if (!cookie || cookie.length > (MARK_CHARS + 1) * MAX_LOGINS) return [];
  return cookie.split('.').filter((m) => /^[A-Za-z0-9_-]+$/.test(m));
}
