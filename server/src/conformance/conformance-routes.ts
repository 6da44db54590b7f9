// Outside the FHIR base: the FibroTrack package download (GET /ig/package.tgz) and canonical URLs
// (GET /StructureDefinition/fibrotrack-pain-severity, when https://fhir.fibrotrack.org points at this server)
// redirected to the stored resource. https://hl7.org/fhir/R4/packages.html, https://hl7.org/fhir/R4/references.html#canonical
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { Resource } from 'fhir/r4.js';
import { OutcomeError, issue, outcome } from '../core/outcomes.js';
import { FIBROTRACK_CANONICAL } from '../validation/profile-policy.js';
import { CONFORMANCE_TYPES } from './conformance-files.js';

export const PACKAGE_PATH = '/ig/package.tgz';

const notFound = (diagnostics: string) => new OutcomeError('not-found', outcome(issue({ code: 'not-found', diagnostics })));

export function conformanceRoutes(fhirBase: string, resources: Resource[], packagePath: string | undefined): Router {
  const byCanonical = new Map<string, Resource>();
  for (const r of resources) byCanonical.set((r as { url?: string }).url ?? '', r);
  const router = Router();
  router.get(PACKAGE_PATH, (_req: Request, res: Response, next: NextFunction) => {
    if (!packagePath) return next(notFound('The FibroTrack package has not been built (npm run build:profiles)'));
    res.type('application/gzip');
    res.setHeader('Content-Disposition', 'attachment; filename="fibrotrack.tgz"');
    res.sendFile(packagePath, (err) => (err ? next(err) : undefined));
  });
  router.get('/:type/:id', (req: Request, res: Response, next: NextFunction) => {
    const type = String(req.params.type);
    if (!CONFORMANCE_TYPES.has(type)) return next();
    const canonical = `${FIBROTRACK_CANONICAL}/${type}/${String(req.params.id)}`;
    const r = byCanonical.get(canonical);
    if (!r) return next(notFound(`No FibroTrack conformance resource has the canonical URL ${canonical}`));
    res.redirect(302, `${fhirBase}/${r.resourceType}/${r.id}`);
  });
  return router;
}
