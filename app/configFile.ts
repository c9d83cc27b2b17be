// The configuration file an install keeps in /etc/school-call/school-call.env
// (SCHOOL_CALL_CONFIG names it): NAME=value lines, the same format systemd's
// EnvironmentFile and a shell's `source` read. Every name must be a setting of
// app/settings.ts, so a misspelt one stops the start instead of being ignored.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { SETTINGS } from './settings.js';

/** The closest known setting name, for "did you mean" (edit distance at most 3). */
function closest(name: string): string | null {
  let best: string | null = null;
  let bestDistance = 4;
  for (const known of SETTINGS.keys()) {
    const d = distance(name, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

/** The file's settings; throws naming the file and the first unknown name. */
export function readConfigFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`SCHOOL_CALL_CONFIG: cannot read ${path} (${(err as NodeJS.ErrnoException).code})`);
  }
  const values = parseEnv(text) as Record<string, string>;
  for (const name of Object.keys(values)) {
    if (SETTINGS.has(name)) continue;
    const guess = closest(name);
    throw new Error(
      `${path}: ${name} is not a setting${guess ? ` (did you mean ${guess}?)` : ''}; every setting is listed in docs/configuration.md`,
    );
  }
  return values;
}

/**
 * The environment with the file's settings under it: a variable set in the
 * environment wins. Written into process.env by main.ts so that child
 * processes (transcriber, recorder pipelines) see the same settings.
 */
export function withConfigFile(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const path = env.SCHOOL_CALL_CONFIG;
  if (!path) return env;
  return { ...readConfigFile(path), ...env };
}
