// The repository as the FHIR layer sees it once runtime search parameters exist: a SearchParameter the server
// cannot index is refused (422) before it is stored, a committed write or delete of one updates the parameters and
// starts a reindex, and a search with a parameter still being indexed is refused (400) rather than answered short.
import type { Resource, SearchParameter } from 'fhir/r4.js';
import { unprocessable } from '../core/outcomes.js';
import type { SearchRequest } from '../search/search-request.js';
import { forwardTo } from '../store/forwarding-repository.js';
import type { FhirRepository, ResourceVersion, WriteMethod } from '../store/repository.js';
import type { SearchParamChange, SearchParamService } from './search-param-service.js';

export function watchSearchParams(repo: FhirRepository, service: SearchParamService): FhirRepository {
  return wrap(repo, service, undefined);
}

function wrap(repo: FhirRepository, service: SearchParamService, changes: SearchParamChange[] | undefined): FhirRepository {
  const watched: FhirRepository = {
    ...forwardTo(repo),
    async search(request: SearchRequest) {
      await service.checkSearchable(request);
      return repo.search(request);
    },
    async lastn(request: SearchRequest, max: number) {
      await service.checkSearchable(request);
      return repo.lastn(request, max);
    },
    async stats(query) {
      await service.checkSearchable(query.request);
      return repo.stats(query);
    },
    async transaction<T>(fn: (tx: FhirRepository) => Promise<T>): Promise<T> {
      if (changes) return fn(watched);
      const mine: SearchParamChange[] = [];
      const result = await repo.transaction((tx) => {
        mine.length = 0; // a retried transaction starts over
        return fn(wrap(tx, service, mine));
      });
      if (mine.length > 0) await service.changed(mine);
      return result;
    },
    async write(resource: Resource, previous: ResourceVersion | undefined, method: WriteMethod) {
      if (resource.resourceType === 'SearchParameter') {
        const problem = service.problem(resource as SearchParameter);
        if (problem) throw unprocessable(problem, 'SearchParameter');
        const before = previous?.resource as SearchParameter | undefined;
        if (before?.url && before.url !== (resource as SearchParameter).url) changes?.push({ url: before.url });
        changes?.push({ url: (resource as SearchParameter).url, sp: resource as SearchParameter });
      }
      return repo.write(resource, previous, method);
    },
    async remove(previous: ResourceVersion) {
      const url = (previous.resource as SearchParameter | undefined)?.url;
      if (previous.type === 'SearchParameter' && url) changes?.push({ url });
      return repo.remove(previous);
    },
  };
  return watched;
}
