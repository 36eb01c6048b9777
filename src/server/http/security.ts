import type { MiddlewareHandler } from 'hono';

/**
 * Content-Security-Policy of the PWA and the API. No inline scripts or styles: Vite emits
 * external files, and Preact's style props go through CSSOM (not blocked by style-src).
 * img-src allows blob: (photo previews) and data: (signatures, enrolment QR).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * True when the client reached us over TLS: directly (an https: URL), or — only behind
 * `trustProxy` hops — per the LAST X-Forwarded-Proto value, the one our own proxy added
 * (earlier values are whatever the client or an untrusted hop sent).
 */
export function cameOverTls(
  url: string,
  forwardedProto: string | undefined,
  trustProxy: number | boolean = 0,
): boolean {
  if (url.startsWith('https:')) return true;
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy;
  if (hops < 1 || !forwardedProto) return false;
  const last = forwardedProto.split(',').pop()?.trim().toLowerCase();
  return last === 'https';
}

/** Security headers on every response; HSTS only for requests that came over TLS (see cameOverTls). */
export function securityHeaders(trustProxy: number | boolean = 0): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    // A route may tighten the policy for its own response (evidence downloads add
    // `sandbox`); its directives are added to the app's, never replace them.
    const own = h.get('Content-Security-Policy');
    h.set('Content-Security-Policy', own ? `${CSP}; ${own}` : CSP);
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Referrer-Policy', 'no-referrer');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    h.set(
      'Permissions-Policy',
      'camera=(self), geolocation=(self), microphone=(), payment=(), usb=()',
    );
    if (cameOverTls(c.req.url, c.req.header('x-forwarded-proto'), trustProxy)) {
      h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    }
  };
}
