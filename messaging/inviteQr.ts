// The QR code of an invitation link, drawn here as SVG (the `qrcode`
// library; nothing is fetched from elsewhere). A revoked or unknown code
// has no picture.
import QRCode from 'qrcode';
import { HttpError, send } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
import { ChatError } from './errors.js';
import { type InviteService, invitePath } from './invites.js';

export function registerInviteQr(
  router: HttpRouter,
  deps: { invites: () => InviteService | null; publicUrl: string },
): void {
  router.route('get', '/api/chat/invites/:code/qr.svg', 'invite_qr', { admin: false }, async (reply, req) => {
    const invites = deps.invites();
    if (!invites) throw new HttpError(503, 'the messenger needs REDIS_URL');
    const code = req.params[0] ?? '';
    try {
      await invites.resolve(null, code);
    } catch (err) {
      if (err instanceof ChatError) throw new HttpError(404, 'no such invitation');
      throw err;
    }
    const svg = await QRCode.toString(`${deps.publicUrl}${invitePath(code)}`, {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
    });
    send(reply, 200, svg, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
  });
}
