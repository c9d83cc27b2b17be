// Headers on every HTTP answer. The pages load only our own scripts, styles
// and media (the web client sets no inline script or style attribute), may
// not be framed by another site, do not leak the URL to other sites, and
// are never sniffed as another content type. WebSocket and fetch go to this
// origin only ('self' covers ws: and wss: to it); blob: is for media the
// page makes itself (HLS playback), data: for small images.
const policy = (scriptSrc: string) =>
  [
    "default-src 'self'",
    `script-src ${scriptSrc}`,
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

export const CONTENT_SECURITY_POLICY = policy("'self'");

/**
 * The call page and its effect scripts may also compile WebAssembly (the
 * background's segmentation model and the noise suppressor run in it; a
 * worker takes the policy of its own script, an audio worklet the page's).
 * 'wasm-unsafe-eval' allows WebAssembly only, not JavaScript's eval; the
 * other pages keep it off.
 */
export const WASM_CONTENT_SECURITY_POLICY = policy("'self' 'wasm-unsafe-eval'");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
};
