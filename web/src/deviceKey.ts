// A random key this browser keeps and sends when it asks for a guest token,
// so the server knows a guest it banned when they come back for a new token
// (the server derives the guest's id from it; the key itself stays here).
const STORAGE_KEY = 'school-call-device-key';

export function deviceKey(): string | undefined {
  try {
    let key = localStorage.getItem(STORAGE_KEY);
    if (!key || !/^[A-Za-z0-9_-]{16,128}$/.test(key)) {
      const bytes = crypto.getRandomValues(new Uint8Array(18));
      key = btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, '-')
        .replace(/\//g, '_');
      localStorage.setItem(STORAGE_KEY, key);
    }
    return key;
  } catch {
    // Storage is off (private mode in some browsers): join without one.
    return undefined;
  }
}
