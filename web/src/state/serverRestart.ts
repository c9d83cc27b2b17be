// A server that stops for an update or a restart (SIGTERM, then its
// supervisor starts it again): the call page stays on its own reconnecting
// screen and reloads only once the server answers again, never into the
// browser's "site can't be reached" page; and it says beforehand when the
// server stops and whether the lesson resumes after.
import { time } from '../chat/format.js';
import type { Key, Params } from '../i18n/index.js';

const FIRST_TRY_MS = 1000;
const LONGEST_WAIT_MS = 5000;

/**
 * Resolves once this site's /healthz answers (the restarted server, or
 * another host behind the same address). /healthz, not /readyz: a lesson
 * still running here during a drain, or while Redis is away, takes people
 * back in.
 */
export async function untilServerAnswers(
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  let wait = FIRST_TRY_MS;
  for (;;) {
    try {
      const res = await fetch('/healthz', { cache: 'no-store' });
      if (res.ok) return;
    } catch {
      // Not there yet: connection refused while the server restarts.
    }
    await sleep(wait);
    wait = Math.min(LONGEST_WAIT_MS, Math.round(wait * 1.5));
  }
}

/** The notice for ServerStopping: when, and whether the lesson goes on after. */
export function serverStoppingNotice(closesAt: number, resumes: boolean): { key: Key; params: Params } {
  return { key: resumes ? 'status.serverRestarts' : 'status.serverStops', params: { time: time(closesAt) } };
}
