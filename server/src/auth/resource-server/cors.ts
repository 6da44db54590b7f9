// CORS on the FHIR API for the origins of registered clients (their redirect and launch URLs) only.
// https://fetch.spec.whatwg.org/#http-cors-protocol
import type { NextFunction, Request, Response } from 'express';

const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS =
  'Authorization, Accept, Content-Type, Prefer, If-Match, If-None-Match, If-None-Exist, If-Modified-Since, X-Requested-With';
/** Response headers a browser app needs to see. */
const EXPOSED = 'Location, Content-Location, ETag, Last-Modified, WWW-Authenticate, Retry-After';

export function registeredOriginsCors(allowedOrigins: () => Promise<Set<string>>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const origin = req.headers.origin;
    if (!origin) return next();
    // The discovery document answers `*` itself (SMART requires it).
    if (req.path === '/.well-known/smart-configuration') return next();
    res.vary('Origin');
    let allowed: boolean;
    try {
      allowed = (await allowedOrigins()).has(origin);
    } catch (err) {
      return next(err);
    }
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    }
    if (!preflight) return next();
    // A preflight carries no token: it is answered here, with permissions only for a registered origin.
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}
