// The accounts part's settings from environment variables, checked at
// start with an error naming the setting. Schools' single sign-on providers
// are a JSON file (SSO_PROVIDERS_FILE), since they carry client secrets:
//
//   [{ "id": "gosuslugi", "label": "Госуслуги", "schools": ["school-7"],
//      "issuer": "https://sso.region.example", "clientId": "...", "clientSecret": "...",
//      "match": "email", "claim": "email" }]
//
// `match` says which field of the school's directory the provider's claim
// is compared with: the person's directory id ("id"), "email", "phone", or a
// hashed document number ("document"); `claim` names the ID token's claim
// (by default sub, email, phone_number or document_number). `schools` lists
// the schools whose people may use it ("*": every school on this server).
import { existsSync, readFileSync } from 'node:fs';
import { intFromEnv } from '../common/envValues.js';
import { PASSWORD_ALPHABET } from '../signaling/domain/joinCodes.js';
import { CODE_LENGTH, formatCode, normalizeCode } from './codes.js';

export type MatchField = 'id' | 'email' | 'phone' | 'document';

export interface SsoProvider {
  id: string;
  /** The button's words: "Войти через <label>". */
  label: string;
  schools: string[] | '*';
  issuer: string;
  clientId: string;
  clientSecret: string;
  match: MatchField;
  claim: string;
  /** Scopes asked for; "openid" always, plus what the claim needs. */
  scope: string;
}

export interface AccountsConfig {
  /** A session not used for this long ends. */
  sessionDays: number;
  /** Printed activation codes stop working after this. */
  codeDays: number;
  backoff: { perAccount: number; perAddress: number; firstDelaySeconds: number; maxDelaySeconds: number };
  sso: SsoProvider[];
  /** The new server's setup code, when the installer chose it (SETUP_CODE); otherwise a random one is logged. */
  setupCode: string | null;
}

const DEFAULT_CLAIM: Record<MatchField, string> = {
  id: 'sub',
  email: 'email',
  phone: 'phone_number',
  document: 'document_number',
};
const DEFAULT_SCOPE: Record<MatchField, string> = {
  id: 'openid',
  email: 'openid email',
  phone: 'openid phone',
  document: 'openid',
};

export function loadAccountsConfig(env: NodeJS.ProcessEnv): AccountsConfig {
  return {
    sessionDays: intFromEnv(env, 'SESSION_DAYS', 30, 1, 365),
    codeDays: intFromEnv(env, 'ACTIVATION_CODE_DAYS', 30, 1, 365),
    backoff: {
      perAccount: intFromEnv(env, 'SIGNIN_FREE_FAILURES', 5, 1, 1000),
      perAddress: intFromEnv(env, 'SIGNIN_FREE_FAILURES_PER_ADDRESS', 50, 1, 100000),
      firstDelaySeconds: intFromEnv(env, 'SIGNIN_FIRST_DELAY_SECONDS', 1, 1, 3600),
      maxDelaySeconds: intFromEnv(env, 'SIGNIN_MAX_DELAY_SECONDS', 300, 1, 86400),
    },
    sso: ssoProviders(env.SSO_PROVIDERS_FILE),
    setupCode: setupCode(env.SETUP_CODE),
  };
}

function setupCode(raw: string | undefined): string | null {
  if (!raw) return null;
  const normal = normalizeCode(raw);
  if (!normal) {
    throw new Error(`SETUP_CODE must be ${CODE_LENGTH} characters of ${PASSWORD_ALPHABET} (dashes allowed)`);
  }
  return formatCode(normal);
}

export function ssoProviders(file: string | undefined): SsoProvider[] {
  if (!file) return [];
  const where = `SSO_PROVIDERS_FILE (${file})`;
  if (!existsSync(file)) throw new Error(`${where} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${where} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new Error(`${where} must be a JSON list of providers`);
  const seen = new Set<string>();
  return raw.map((p: Record<string, unknown>, i) => {
    const at = `${where}, provider ${i + 1}`;
    const text = (k: string, required = true): string => {
      const v = p?.[k];
      if (v === undefined && !required) return '';
      if (typeof v !== 'string' || !v.trim()) throw new Error(`${at}: "${k}" must be a non-empty string`);
      return v.trim();
    };
    const id = text('id');
    if (!/^[a-z0-9-]{1,40}$/.test(id) || id === 'callback') {
      throw new Error(`${at}: "id" must be 1-40 of a-z, 0-9, - (and not "callback")`);
    }
    if (seen.has(id)) throw new Error(`${at}: "id" ${id} is listed twice`);
    seen.add(id);
    const issuer = text('issuer');
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw new Error(`${at}: "issuer" is not a URL`);
    }
    if (url.protocol !== 'https:' && !isLoopback(url.hostname)) {
      throw new Error(`${at}: "issuer" must be https (plain http only on this machine's loopback)`);
    }
    const match = (p.match ?? 'email') as MatchField;
    if (!(match in DEFAULT_CLAIM)) throw new Error(`${at}: "match" must be id, email, phone or document`);
    const schools = p.schools;
    if (
      schools !== '*' &&
      !(Array.isArray(schools) && schools.length > 0 && schools.every((s) => typeof s === 'string' && s))
    ) {
      throw new Error(`${at}: "schools" must be a list of school ids, or "*"`);
    }
    return {
      id,
      label: text('label'),
      schools: schools as string[] | '*',
      issuer,
      clientId: text('clientId'),
      clientSecret: text('clientSecret'),
      match,
      claim: text('claim', false) || DEFAULT_CLAIM[match],
      scope: text('scope', false) || DEFAULT_SCOPE[match],
    };
  });
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
