// The one way an HTTP status line is written on the uWebSockets.js listener
// (uWS takes it as text): the code and its standard reason phrase, from
// Node's table, for every code, so no answer goes out as "429 Status".
import { STATUS_CODES } from 'node:http';

// tus's own code for a body that does not match its checksum.
const EXTRA: Record<number, string> = { 460: 'Checksum Mismatch' };

export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? EXTRA[status] ?? 'Unknown'}`;
}
