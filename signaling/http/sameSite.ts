// The one check that a state-changing HTTP request (POST, PUT, PATCH, DELETE)
// comes from this site's own pages: what the browser says of where it comes
// from (Sec-Fetch-Site, Origin). A request that says nothing (a server, a
// script with the admin secret or a bearer token) passes: it carries no
// browser's cookies for another site to borrow. Every route the HttpRouter
// registers asks it, and so do the routes on the bare app (/b/, uploads).

/** Methods that change something: a page of another site may not send them here. */
export const CHANGING_METHODS: readonly string[] = ['post', 'put', 'patch', 'del', 'delete'];

/** Headers the check reads, by lower-case name. */
export const SAME_SITE_HEADERS = ['origin', 'sec-fetch-site'] as const;

/**
 * Why a request is refused as another site's, or null when it may go on.
 * `allowed`: origins whose pages may change things (the public URL's and
 * ALLOWED_ORIGINS).
 */
export function crossSiteReason(
  header: (name: (typeof SAME_SITE_HEADERS)[number]) => string | null | undefined,
  allowed: readonly string[],
): string | null {
  const site = header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return `a ${site} request`;
  const origin = header('origin');
  if (origin === 'null') return 'an opaque origin';
  if (origin && !allowed.includes(origin)) return `origin ${origin} is not this site`;
  return null;
}
