// Starts the test OpenID Connect provider (oidcProvider.mjs) as its own
// process on a free loopback port, with one client for the server under
// test and the given accounts, and writes the SSO_PROVIDERS_FILE the
// server reads.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpUdpPort } from './testServer.js';

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A providers file for the server (SSO_PROVIDERS_FILE). */
  providersFile(entry: ProviderEntry | ProviderEntry[]): string;
  stop(): Promise<void>;
}

/** One entry of the providers file; several entries may share this provider (ids region, region-2, ...). */
export interface ProviderEntry {
  schools: string[] | '*';
  match: string;
  claim?: string;
  label?: string;
  id?: string;
}

export async function startOidcProvider(
  redirectUri: string,
  accounts: Record<string, Record<string, unknown>>,
): Promise<TestProvider> {
  const port = await freeTcpUdpPort();
  const clientId = 'school-call-test';
  const clientSecret = 'a-client-secret-of-the-school-server';
  const child: ChildProcess = spawn(
    process.execPath,
    [fileURLToPath(new URL('./oidcProvider.mjs', import.meta.url))],
    {
      env: {
        ...process.env,
        OIDC_PORT: String(port),
        OIDC_ACCOUNTS: JSON.stringify(accounts),
        OIDC_CLIENTS: JSON.stringify([
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
          },
        ]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the OIDC provider did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => reject(new Error(`the OIDC provider exited (${code}): ${out}`)));
  });
  const dir = mkdtempSync(join(tmpdir(), 'sso-'));
  return {
    issuer,
    clientId,
    clientSecret,
    providersFile(entries) {
      const file = join(dir, 'sso.json');
      writeFileSync(
        file,
        JSON.stringify(
          (Array.isArray(entries) ? entries : [entries]).map((entry) => ({
            id: entry.id ?? 'region',
            label: entry.label ?? 'Госуслуги',
            schools: entry.schools,
            issuer,
            clientId,
            clientSecret,
            match: entry.match,
            ...(entry.claim ? { claim: entry.claim } : {}),
          })),
        ),
      );
      return file;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
