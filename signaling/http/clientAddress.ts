// The client's address for rate limits and logs. X-Forwarded-For is honoured
// only behind a reverse proxy the operator declared (TRUST_PROXY=1), and then
// its last entry, the one that proxy added: earlier entries come from the
// client and can be forged.
import type uWS from 'uWebSockets.js';

export function clientAddress(res: uWS.HttpResponse, req: uWS.HttpRequest, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req
      .getHeader('x-forwarded-for')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const last = forwarded[forwarded.length - 1];
    if (last) return last;
  }
  return Buffer.from(res.getRemoteAddressAsText()).toString();
}
