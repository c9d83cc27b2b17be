// What this person chose for background and noise suppression, remembered
// in this browser (so per device: a school laptop and a phone each keep
// their own), and the default before they choose.
import { PICTURES, type PictureId } from './pictures.js';

export type BackgroundChoice = 'off' | 'blur-light' | 'blur-strong' | 'own' | `picture:${PictureId}`;

const BACKGROUND_KEY = 'school-call-background';
const NOISE_KEY = 'school-call-noise';
const OWN_PICTURE_KEY = 'school-call-own-background';

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** False when the browser refuses (private mode, storage full): the choice lasts for this page. */
function write(key: string, value: string | null): boolean {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

export function isBackgroundChoice(value: unknown): value is BackgroundChoice {
  if (value === 'off' || value === 'blur-light' || value === 'blur-strong' || value === 'own') return true;
  return (
    typeof value === 'string' &&
    value.startsWith('picture:') &&
    PICTURES.some((p) => `picture:${p.id}` === value)
  );
}

export function storedBackground(): BackgroundChoice {
  const value = read(BACKGROUND_KEY);
  if (value === 'own' && !storedOwnPicture()) return 'off';
  return isBackgroundChoice(value) ? value : 'off';
}

export function storeBackground(choice: BackgroundChoice): void {
  write(BACKGROUND_KEY, choice);
}

/** The person's own choice, or null if they never made one. */
export function storedNoise(): boolean | null {
  const value = read(NOISE_KEY);
  return value === 'on' ? true : value === 'off' ? false : null;
}

export function storeNoise(on: boolean): void {
  write(NOISE_KEY, on ? 'on' : 'off');
}

/**
 * Noise suppression is on by default for pupils (and parents); a teacher
 * starts with the microphone as it is, since a lesson may be about sound
 * (music, an instrument, an experiment) and the suppressor would remove it.
 */
export function noiseDefault(role: string | null): boolean {
  return role !== 'host' && role !== 'co-host';
}

/**
 * The role a join link was made for, read from the token without checking
 * it: only to pick the default above before joining. The server decides
 * what the person may do.
 */
export function roleFromToken(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const role = (JSON.parse(json) as { role?: unknown }).role;
    return typeof role === 'string' ? role : null;
  } catch {
    return null;
  }
}

/** The person's own picture as a data: URL of a JPEG, or null. */
export function storedOwnPicture(): string | null {
  const value = read(OWN_PICTURE_KEY);
  return value?.startsWith('data:image/jpeg;base64,') ? value : null;
}

export function storeOwnPicture(dataUrl: string | null): boolean {
  return write(OWN_PICTURE_KEY, dataUrl);
}
