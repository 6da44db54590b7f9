// Composition/$document: GET [base]/Composition/[id]/$document, a stored Composition as a document Bundle with the
// resources it references (subject, encounter, authors, attesters, custodian, section authors, focus and entries,
// and the Medications those entries name). Only what the token may read is included. persist is not supported.
// https://hl7.org/fhir/R4/composition-operation-document.html
import type { Composition, CompositionSection, MedicationRequest, MedicationStatement, Reference, Resource } from 'fhir/r4.js';
import { gone, invalidParameter, notFound, notSupported, unknownParameter } from '../../../core/outcomes.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { documentBundle, localReference, readReference, storedEntry } from './document-bundle.js';

const FORMAT_PARAMS = new Set(['_format', '_pretty']);

export async function compositionDocument(req: FhirRequest, id: string, ctx: FhirContext): Promise<FhirResponse> {
  for (const [name, value] of req.query) {
    if (FORMAT_PARAMS.has(name)) continue;
    if (name === 'persist') {
      if (value === 'false') continue;
      if (value === 'true') throw notSupported('persist=true is not supported: this server does not store the documents it generates');
      throw invalidParameter(`persist must be true or false, got '${value}'`, 'persist');
    }
    if (name === 'graph') throw notSupported('graph is not supported: the document holds what the Composition references');
    throw unknownParameter(`$document takes no parameter '${name}' (persist, graph, _format and _pretty)`, name);
  }
  const version = await ctx.repo.read('Composition', id);
  if (!version) throw notFound('Composition', id);
  if (version.deleted) throw gone('Composition', id, version.versionId);
  const composition = version.resource as Composition;
  const first = await readAll(ctx, compositionReferences(composition));
  const medications = await readAll(
    ctx,
    first.flatMap((r) =>
      r.resourceType === 'MedicationStatement' || r.resourceType === 'MedicationRequest'
        ? [(r as MedicationStatement | MedicationRequest).medicationReference]
        : [],
    ),
  );
  const bundle = documentBundle({
    composition,
    compositionUrl: storedEntry(ctx, composition).fullUrl,
    resources: [...first, ...medications].map((r) => storedEntry(ctx, r)),
  });
  return { status: 200, resource: bundle };
}

function compositionReferences(c: Composition): (Reference | undefined)[] {
  const inSection = (s: CompositionSection): (Reference | undefined)[] => [
    ...(s.author ?? []),
    s.focus,
    ...(s.entry ?? []),
    ...(s.section ?? []).flatMap(inSection),
  ];
  return [
    c.subject,
    c.encounter,
    ...c.author,
    ...(c.attester ?? []).map((a) => a.party),
    c.custodian,
    ...(c.section ?? []).flatMap(inSection),
  ];
}

/** Each distinct readable reference once, in order. */
async function readAll(ctx: FhirContext, refs: (Reference | undefined)[]): Promise<Resource[]> {
  const keys = new Map<string, string>();
  for (const r of refs) {
    const local = localReference(ctx, r?.reference);
    if (local) keys.set(`${local.type}/${local.id}`, r!.reference!);
  }
  const found = await Promise.all([...keys.values()].map((ref) => readReference(ctx, ref)));
  return found.filter((r): r is Resource => r !== undefined);
}
