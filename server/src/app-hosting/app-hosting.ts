// Serves the provider SMART app at /app/ (smart-app/public, its compiled modules in public/js) and fhirclient's
// prebuilt browser bundle, under a Content Security Policy that allows only this origin.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

const APP_ROOT = join(import.meta.dirname, '..', '..', '..', 'smart-app');
/** The one fhirclient build the pages load, and its source map (for browser developer tools). */
const VENDOR_FILES = new Set(['fhir-client.pure.min.js', 'fhir-client.pure.min.js.map']);

export function fhirclientBuildDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('fhirclient/package.json')), 'build');
}

/**
 * No inline script or style, no eval, no third-party origin: fonts are the system's, the chart is inline SVG
 * built through the DOM. connect-src adds BASE_URL's origin for when the browser reaches us by another name.
 */
export function contentSecurityPolicy(baseUrl: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${new URL(baseUrl).origin}`,
    "font-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

export function appHosting(baseUrl: string): Router {
  const csp = contentSecurityPolicy(baseUrl);
  const headers: RequestHandler = (_req, res, next) => {
    res.set({
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      // The launch and redirect URLs carry `launch`, `code` and `state`: never leak them in a Referer.
      'Referrer-Policy': 'no-referrer',
      // File names are not content-hashed, so browsers revalidate every time.
      'Cache-Control': 'no-cache',
    });
    next();
  };
  const staticOptions = { index: 'index.html', redirect: false, fallthrough: true, etag: true, lastModified: true };
  const router = express.Router({ strict: true });
  router.get('/', (req, res, next) => (req.originalUrl.split('?')[0].endsWith('/') ? next() : res.redirect(301, `${req.baseUrl}/`)));
  router.use(headers);
  router.get('/vendor/:file', (req, res, next) => {
    if (!VENDOR_FILES.has(req.params.file)) return next();
    res.sendFile(req.params.file, { root: fhirclientBuildDir(), headers: { 'Content-Type': contentTypeOf(req.params.file) } });
  });
  router.use(express.static(join(APP_ROOT, 'public'), staticOptions));
  return router;
}

function contentTypeOf(file: string): string {
  return file.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8';
}
