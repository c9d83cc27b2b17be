// Helpers for tests on an installed server: a messenger client with a user
// token from the admin API, and the PostgreSQL unit run as PostgreSQL's own
// user (it refuses root, and the test machine has no school-call user).
import { chmodSync, chownSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestChatClient } from './chatServer.js';
import type { Installed } from './installed.js';
import { type SupervisedUnit, readUnit, runUnit } from './unitRunner.js';

export interface ChatPerson {
  userId: string;
  displayName: string;
  role?: 'admin' | 'teacher' | 'student' | 'parent';
}

export async function connectChat(
  httpUrl: string,
  adminSecret: string,
  person: ChatPerson,
): Promise<{ client: TestChatClient; token: string }> {
  const res = await fetch(`${httpUrl}/api/users/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'teacher', schoolId: 'school-1', sortName: person.displayName, ...person }),
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  const client = await TestChatClient.connect(`${httpUrl.replace(/^http/, 'ws')}/chat`);
  await client.authenticate(token);
  return { client, token };
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user: install postgresql-15 (scripts/setup.sh --test)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The install's school-call-postgres unit; as root, run as the postgres user with its folders handed over. */
export function postgresUnit(host: Installed): SupervisedUnit {
  const root = process.getuid?.() === 0;
  if (root) {
    const { uid, gid } = postgresIds();
    // Its scripts and folders must be reachable by that user (a temporary folder is 0700).
    chmodSync(host.prefix, 0o755);
    const data = join(host.prefix, 'var/lib/school-call');
    chmodSync(data, 0o755);
    for (const dir of [join(data, 'postgres'), join(host.prefix, 'run/school-call')])
      chownSync(dir, uid, gid);
  }
  return runUnit(readUnit(host.unit('school-call-postgres.service')), {
    prefix: host.prefix,
    user: root ? 'postgres' : undefined,
  });
}
