// The subscription topics the FibroTrack IG publishes (profiles/input/fsh/subscription-topics.fsh: Basic
// resources with the backport's cross-version SubscriptionTopic extensions), read at start. A Subscription whose
// `criteria` is a topic's canonical URL runs the topic's query criteria, narrowed by its filter criteria
// (backport-filter-criteria, e.g. `Observation?patient=Patient/123`), which may use only the topic's filters.
// https://hl7.org/fhir/uv/subscriptions-backport/STU1.1/components.html#subscription-topics
import type { Basic, Extension, Resource } from 'fhir/r4.js';

const TOPIC = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic';

export interface Topic {
  url: string;
  type: string;
  /** The query criteria (`current`), without `?`. */
  query: string;
  /** Search parameters a Subscription may filter by. */
  filters: string[];
}

export type Topics = ReadonlyMap<string, Topic>;

const ext = (exts: Extension[] | undefined, url: string) => (exts ?? []).filter((e) => e.url === url);

export function topicsFrom(resources: readonly Resource[]): Topics {
  const topics = new Map<string, Topic>();
  for (const r of resources) {
    const basic = r as Basic;
    if (r.resourceType !== 'Basic' || !basic.code.coding?.some((c) => c.code === 'SubscriptionTopic')) continue;
    const url = ext(basic.extension, `${TOPIC}.url`)[0]?.valueUri;
    const trigger = ext(basic.extension, `${TOPIC}.resourceTrigger`)[0]?.extension;
    const type = ext(trigger, 'resource')[0]?.valueUri?.split('/').pop();
    const query = ext(ext(trigger, 'queryCriteria')[0]?.extension, 'current')[0]?.valueString;
    if (!url || !type || query === undefined) continue;
    const filters = ext(basic.extension, `${TOPIC}.canFilterBy`).flatMap((f) =>
      ext(f.extension, 'filterParameter').map((p) => p.valueString ?? ''),
    );
    topics.set(url, { url, type, query, filters });
  }
  return topics;
}
