// How a guest's page (a meeting code, the demo) asks the server for a way
// into a call: go to the join link it answers with, or say why not.
import type { Key } from '../i18n/index.js';
import { goToJoinUrl } from './FormPage.js';
import { nameRefusal } from './nameRefusals.js';

/** Goes into the call, or answers the words of the refusal (a name's own reason first). */
export async function askToJoin(
  path: string,
  body: Record<string, unknown>,
  byStatus: Partial<Record<number, Key>>,
): Promise<Key | null> {
  try {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({}))) as { joinUrl?: string; reason?: string };
    if (res.ok && answer.joinUrl) {
      goToJoinUrl(answer.joinUrl);
      return null;
    }
    return nameRefusal(answer) ?? byStatus[res.status] ?? 'code.failed';
  } catch {
    return 'common.networkError';
  }
}
