// Headers on every HTTP answer. The pages load only our own scripts, styles
// and media (the web client sets no inline script or style attribute), may
// not be framed by another site, do not leak the URL to other sites, and
// are never sniffed as another content type. WebSocket and fetch go to this
// origin only ('self' covers ws: and wss: to it); blob: is for media the
// page makes itself (HLS playback), data: for small images.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
};
