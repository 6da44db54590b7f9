// The server's changes to Subscription.status (requested -> active after the handshake, -> error with its
// reason) are new versions of the Subscription resource, so a client reads them as any other change; the
// outbox hook mirrors each into the delivery row in the same transaction.
import type { Subscription } from 'fhir/r4.js';
import type { FhirRepository } from '../store/repository.js';

export async function setStatus(repo: FhirRepository, id: string, status: Subscription['status'], error?: string): Promise<void> {
  await repo.transaction(async (tx) => {
    const previous = await tx.readForUpdate('Subscription', id);
    const sub = previous?.resource as Subscription | undefined;
    if (!previous || previous.deleted || !sub) return;
    // A client's change since the lease (off, or a new request) wins over what the loop concluded.
    if (sub.status === 'off' || (status === 'active' && sub.status !== 'requested')) return;
    const next: Subscription = { ...sub, status };
    if (error) next.error = error.slice(0, 1000);
    else delete next.error;
    await tx.write(next, previous, 'PUT');
  });
}
