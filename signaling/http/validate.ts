// Checks on JSON request bodies of the admin API: each bad field is a 400
// with a sentence saying what was expected.
import { MAX_LAST_N, type RoomOwner, type RoomSettings } from '../domain/roomDefinition.js';
import { HttpError } from './httpUtil.js';

const WAITING_MODES = ['off', 'guests', 'everyone'] as const;

export function optionalString(body: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw new HttpError(400, `${key} must be a string of 1-${max} characters`);
  }
  return v;
}

export function optionalInt(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new HttpError(400, `${key} must be an integer from ${min} to ${max}`);
  }
  return v;
}

/** `owner: {school, staff: [names]}`: whose the room is (its school's limits; names no guest may take). */
export function parseOwner(value: unknown): RoomOwner | undefined {
  if (value === undefined) return undefined;
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const staff = v.staff ?? [];
  if (
    typeof v.school !== 'string' ||
    !/^[A-Za-z0-9_-]{1,64}$/.test(v.school) ||
    !Array.isArray(staff) ||
    staff.length > 20 ||
    !staff.every((n) => typeof n === 'string' && n.length > 0 && n.length <= 128)
  ) {
    throw new HttpError(
      400,
      'owner must be {"school": "<id>", "staff": ["<teacher name>", ...]} (up to 20 names)',
    );
  }
  return { school: v.school, staff: staff as string[] };
}

export function parseSettings(value: unknown): Partial<RoomSettings> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'settings must be an object');
  }
  const v = value as Record<string, unknown>;
  const out: Partial<RoomSettings> = {};
  if (v.waitingRoom !== undefined) {
    if (!WAITING_MODES.includes(v.waitingRoom as never)) {
      throw new HttpError(400, 'settings.waitingRoom must be off, guests or everyone');
    }
    out.waitingRoom = v.waitingRoom as RoomSettings['waitingRoom'];
  }
  for (const key of [
    'locked',
    'guestsAllowed',
    'selfUnmuteAllowed',
    'participantsMayShareScreen',
    'coHostsMayRecord',
  ] as const) {
    if (v[key] === undefined) continue;
    if (typeof v[key] !== 'boolean') throw new HttpError(400, `settings.${key} must be true or false`);
    out[key] = v[key] as boolean;
  }
  const shares = optionalInt(v, 'maxScreenShares', 0, 16);
  if (shares !== undefined) out.maxScreenShares = shares;
  const lastN = optionalInt(v, 'lastN', 0, MAX_LAST_N);
  if (lastN !== undefined) out.lastN = lastN;
  return out;
}
