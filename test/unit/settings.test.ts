// The configuration an IT person writes: every setting the code reads is in
// app/settings.ts and in the docs; the file is checked name by name; a bad
// value stops the start with a sentence naming the setting.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { readConfigFile, withConfigFile } from '../../app/configFile.js';
import { SETTINGS, settingsTemplate } from '../../app/settings.js';

const ROOT = join(import.meta.dirname, '../..');
/** Every top-level folder of server code: all but the browser client, tests, load tests and tools. */
const NOT_SERVER = new Set(['web', 'test', 'loadtest', 'node_modules', 'scripts', 'docs', 'deploy', 'build']);
const SERVER_FOLDERS = readdirSync(ROOT, { withFileTypes: true })
  .filter(
    (d) =>
      d.isDirectory() && !d.name.startsWith('.') && !NOT_SERVER.has(d.name) && !d.name.includes('artifacts'),
  )
  .map((d) => d.name);
/** Read from the environment but not settings: the process's own surroundings, and the file's name. */
const NOT_SETTINGS = new Set([
  'HOME',
  'XDG_DATA_HOME',
  'SCHOOL_CALL_CONFIG',
  'NODE_ENV',
  'UV_THREADPOOL_SIZE',
  // A fault the upgrade test injects into `messenger migrate` (die after N chats), not a setting.
  'MESSENGER_MIGRATE_DIE_AFTER',
]);
const secrets = { ADMIN_SECRET: 'a'.repeat(32), TOKEN_SECRET: 'b'.repeat(32) };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'generated' || name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|sh)$/.test(name) ? [path] : [];
  });
}

/** Every NAME the server's code reads as `env.NAME`, `env['NAME']` or `xxx(env, 'NAME'`. */
function namesReadByCode(): Set<string> {
  const names = new Set<string>();
  const patterns = [
    /\benv\.([A-Z][A-Z0-9_]+)/g,
    /\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g,
    /\(\s*env,\s*'([A-Z][A-Z0-9_]+)'/g,
  ];
  for (const file of SERVER_FOLDERS.flatMap((f) => sourceFiles(join(ROOT, f)))) {
    const text = readFileSync(file, 'utf8');
    for (const p of patterns) for (const m of text.matchAll(p)) names.add(m[1]!);
  }
  for (const n of NOT_SETTINGS) names.delete(n);
  return names;
}

function docsText(): string {
  const docs = join(ROOT, 'docs');
  let text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  try {
    for (const f of readdirSync(docs)) if (f.endsWith('.md')) text += readFileSync(join(docs, f), 'utf8');
  } catch {
    // No docs/ folder yet.
  }
  for (const f of ['transcriber/README.md', 'messaging/README.md', 'recorder/README.md']) {
    text += readFileSync(join(ROOT, f), 'utf8');
  }
  return text;
}

describe('settings', () => {
  it('lists every variable the server reads', () => {
    const unlisted = [...namesReadByCode()].filter((n) => !SETTINGS.has(n));
    expect(unlisted).toEqual([]);
  });

  it('are each explained in the docs', () => {
    const text = docsText();
    const undocumented = [...SETTINGS.keys()].filter((n) => !text.includes(n));
    expect(undocumented).toEqual([]);
  });

  it('make a template with every setting, which the file reader accepts', () => {
    const template = settingsTemplate({ ADMIN_SECRET: 'x'.repeat(32) });
    for (const name of SETTINGS.keys()) expect(template).toMatch(new RegExp(`^#?${name}=`, 'm'));
    const dir = mkdtempSync(join(tmpdir(), 'settings-'));
    try {
      const file = join(dir, 'school-call.env');
      writeFileSync(file, template);
      expect(readConfigFile(file)).toEqual({ ADMIN_SECRET: 'x'.repeat(32) });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('the configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-file-'));
  afterAll(() => rmSync(dir, { recursive: true }));
  const file = (text: string) => {
    const path = join(dir, `${Math.random()}.env`);
    writeFileSync(path, text);
    return path;
  };

  it('refuses a misspelt name, suggesting the right one', () => {
    const path = file(`ADMIN_SECRET=${'a'.repeat(32)}\nMAX_PARTICIPANT_PER_ROOM=30\n`);
    expect(() => readConfigFile(path)).toThrow(
      `${path}: MAX_PARTICIPANT_PER_ROOM is not a setting (did you mean MAX_PARTICIPANTS_PER_ROOM?)`,
    );
  });

  it('lies under the environment: a variable set there wins', () => {
    const path = file(
      `PORT=9000\nLOG_LEVEL=debug\n# a comment\n${Object.entries(secrets)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
    );
    const env = withConfigFile({ SCHOOL_CALL_CONFIG: path, PORT: '9100' });
    const c = loadConfig(env);
    expect(c.port).toBe(9100);
    expect(c.logLevel).toBe('debug');
  });

  it('names itself when it cannot be read', () => {
    expect(() => withConfigFile({ SCHOOL_CALL_CONFIG: join(dir, 'missing.env') })).toThrow(
      /SCHOOL_CALL_CONFIG: cannot read .*missing\.env \(ENOENT\)/,
    );
  });
});

describe('values', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ TRUST_PROXY: 'maybe' }, /^TRUST_PROXY must be 1 or 0/],
    [{ DEMO_SCHOOL: '2' }, /^DEMO_SCHOOL must be 1 or 0/],
    [{ PUBLIC_URL: 'school.example' }, /^PUBLIC_URL must be a URL/],
    [{ PUBLIC_URL: 'ftp://school.example' }, /^PUBLIC_URL must start with https:\/\//],
    [{ PUBLIC_URL: 'https://school.example/call' }, /^PUBLIC_URL must be the site's base address/],
    [{ HOST: 'localhost' }, /^HOST must be an IP address/],
    [{ MEDIA_ANNOUNCED_IP: 'bad host!' }, /^MEDIA_ANNOUNCED_IP must be an IP address or a host name/],
    [{ LOG_LEVEL: 'verbose' }, /^LOG_LEVEL must be one of/],
    [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL must start with redis:\/\//],
    [{ CHAT_UPLOAD_DIR: 'uploads' }, /^CHAT_UPLOAD_DIR must be an absolute path/],
    [{ WHISPER_PARTIALS: 'of' }, /^WHISPER_PARTIALS must be 1 or 0/],
    [{ METRICS_PORT: '9464', METRICS_SECRET: 'm'.repeat(32) }, /^METRICS_PORT and METRICS_SECRET/],
    [{ METRICS_PORT: '8080' }, /^METRICS_PORT must differ from PORT/],
    [{ METRICS_SECRET: 'short' }, /^METRICS_SECRET must be at least 32 characters/],
    [{ RTC_BASE_PORT: '21000', MEDIASOUP_WORKERS: '2' }, /overlaps MEDIA_MIN_PORT\.\.MEDIA_MAX_PORT/],
    [{ SHUTDOWN_DRAIN_SECONDS: '-1' }, /^SHUTDOWN_DRAIN_SECONDS must be an integer between 0 and/],
  ];
  it.each(bad)('%j is refused naming the setting', (env, message) => {
    expect(() => loadConfig({ ...secrets, ...env })).toThrow(message);
  });

  it('take their defaults outside the ephemeral port range', () => {
    const c = loadConfig({ ...secrets, MEDIASOUP_WORKERS: '4' });
    expect(c.rtcBasePort).toBe(20000);
    expect(c.mediaPorts).toEqual({ min: 21000, max: 29999 });
    expect(c.rtcBasePort + 4).toBeLessThan(32768);
    expect(c.metrics).toEqual({ kind: 'open' });
    expect(loadConfig({ ...secrets, METRICS_PORT: '9464' }).metrics).toEqual({
      kind: 'listener',
      host: '127.0.0.1',
      port: 9464,
    });
  });
});
