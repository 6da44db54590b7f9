// A repository that passes every call to another: wrappers that change a few methods spread it and override
// those (`{ ...forwardTo(inner), write: ... }`), so a method added to FhirRepository reaches them all.
import type { FhirRepository } from './repository.js';

export function forwardTo(inner: FhirRepository): FhirRepository {
  return {
    read: (type, id, options) => inner.read(type, id, options),
    vread: (type, id, vid, options) => inner.vread(type, id, vid, options),
    history: (q) => inner.history(q),
    search: (request) => inner.search(request),
    storedIdentifiers: (type, param, target, system, values) => inner.storedIdentifiers(type, param, target, system, values),
    lastn: (request, max) => inner.lastn(request, max),
    stats: (query) => inner.stats(query),
    everything: (q) => inner.everything(q),
    transaction: (fn) => inner.transaction(fn),
    readForUpdate: (type, id) => inner.readForUpdate(type, id),
    lock: (key) => inner.lock(key),
    withLock: (key, fn) => inner.withLock(key, fn),
    write: (resource, previous, method) => inner.write(resource, previous, method),
    remove: (previous) => inner.remove(previous),
    close: () => inner.close(),
  };
}
