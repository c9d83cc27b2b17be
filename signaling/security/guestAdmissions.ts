// Where a self-service token (a guest by code, a demo visitor) was asked
// from: its "admission", kept in the token (claim `adm`) and in the peer, so
// a ban holds against that person's next token even without their device key
// (cleared storage, another browser on the same computer, a script). The
// address is the last resort after the device key: it is hashed with the
// room instance (the token is readable; the address is not in it), and an
// IPv6 address counts by its /64, which one home or phone is given. Pupils and
// staff sign in and never use these tokens, so a school's shared address
// (one NAT for a class) is not shut by banning a guest; people from the same
// address who were in the call when the ban came keep coming back.
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

export function admissionOf(roomInstance: string, ip: string): string {
  const where = isIPv6(ip) && !ip.startsWith('::ffff:') ? ipv6Prefix64(ip) : ip;
  return createHash('sha256').update(`admission\n${roomInstance}\n${where}`).digest('base64url').slice(0, 22);
}

/** The first four groups of an IPv6 address, `::` expanded. */
function ipv6Prefix64(ip: string): string {
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':');
}
