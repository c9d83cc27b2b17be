// Who a guest is, across tokens: the guest page keeps a random device key
// and sends it with each join by code, and the guest's user id is derived
// from it and the room instance. A guest the teacher banned who takes a new
// token on the same device is the same user, and stays banned for the call.
// (Clearing the browser's storage makes a new device: the limits on guest
// tokens per address and per code bound that.) The id reveals nothing of
// the key, and differs from room to room.
import { createHash, randomUUID } from 'node:crypto';

const DEVICE_KEY = /^[A-Za-z0-9_-]{16,128}$/;

export function isDeviceKey(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_KEY.test(value);
}

/** A guest's user id in a room: from the device key when there is one, else new. */
export function guestUserId(roomInstance: string, deviceKey: string | undefined): string {
  if (!deviceKey) return `guest-${randomUUID()}`;
  const digest = createHash('sha256').update(`${roomInstance}\n${deviceKey}`).digest('base64url');
  return `guest-${digest.slice(0, 24)}`;
}
