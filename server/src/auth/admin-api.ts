// Admin API under /auth/admin: register/list/remove clients, list/rotate/retire signing keys. Bearer
// ADMIN_TOKEN; without it configured the API is off. Errors are OAuth-style JSON bodies.
import { sameSecret } from '../core/same-secret.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ClientRegistrationError, type ClientRegistration, type ClientStore } from './client-store.js';
import type { SigningKeyStore } from './signing-keys.js';

export interface AdminDeps {
  adminToken?: string;
  clients: ClientStore;
  keys: SigningKeyStore;
  /** Puts a changed key set to use on this node at once (other nodes notice within KEY_CHECK_INTERVAL_MS). */
  keysChanged: () => Promise<unknown>;
}

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function adminRouter(deps: AdminDeps): express.Router {
  const router = express.Router();
  router.use((req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (!deps.adminToken) return next(new AdminError(403, 'access_denied', 'the admin API is off: set ADMIN_TOKEN to enable it'));
    const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!presented || !sameSecret(presented, deps.adminToken)) {
      res.set('WWW-Authenticate', 'Bearer realm="fibrotrack-admin"');
      return next(new AdminError(401, 'invalid_token', 'the admin API needs Authorization: Bearer <ADMIN_TOKEN>'));
    }
    next();
  });
  router.use(express.json({ limit: '256kb' }));

  router.get('/clients', async (_req, res) => {
    res.json(await deps.clients.list());
  });
  router.post('/clients', async (req, res) => {
    const body = req.body as Partial<ClientRegistration> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new AdminError(400, 'invalid_client_metadata', 'the body must be a JSON object');
    try {
      const registered = await deps.clients.register(body as ClientRegistration);
      res.status(201).json(registered);
    } catch (err) {
      if (err instanceof ClientRegistrationError) throw new AdminError(400, 'invalid_client_metadata', err.message);
      if ((err as { code?: string }).code === 'ER_DUP_ENTRY')
        throw new AdminError(409, 'invalid_client_metadata', `client '${body.clientId}' is already registered`);
      throw err;
    }
  });
  router.get('/clients/:id', async (req, res) => {
    const client = await deps.clients.get(String(req.params.id));
    if (!client) throw new AdminError(404, 'invalid_client', `no client '${req.params.id}'`);
    res.json(client);
  });
  router.delete('/clients/:id', async (req, res) => {
    if (!(await deps.clients.remove(String(req.params.id)))) throw new AdminError(404, 'invalid_client', `no client '${req.params.id}'`);
    res.status(204).end();
  });

  router.get('/keys', async (_req, res) => {
    res.json(await deps.keys.list());
  });
  router.post('/keys/rotate', async (_req, res) => {
    const kid = await deps.keys.rotate();
    await deps.keysChanged();
    res.status(201).json({
      kid,
      note: 'the new key signs on this node now and on every other node within 30 seconds; the previous key stays published until retired',
    });
  });
  router.post('/keys/:kid/retire', async (req, res) => {
    try {
      await deps.keys.retire(String(req.params.kid));
    } catch (err) {
      throw new AdminError(/^no key/.test((err as Error).message) ? 404 : 409, 'invalid_request', (err as Error).message);
    }
    await deps.keysChanged();
    res.status(204).end();
  });

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof AdminError) {
      res.status(err.status).json({ error: err.code, error_description: err.message });
      return;
    }
    const status = (err as { status?: number }).status;
    // express.json's own errors (malformed JSON, too large) are the client's.
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ error: 'invalid_request', error_description: (err as Error).message });
      return;
    }
    next(err);
  });
  return router;
}
