// What a Subscription resource asks for, read and checked when it is written: its criteria (a FHIR search,
// parsed by the search engine), its channel (rest-hook: endpoint, headers; websocket: nothing more) and its
// payload content.
// https://hl7.org/fhir/R4/subscription.html, payload content: https://hl7.org/fhir/uv/subscriptions-backport/
import type { Subscription } from 'fhir/r4.js';
import { badRequest, notSupported, unprocessable } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { parseSearch } from '../search/parse-search.js';
import type { Topic, Topics } from './topics.js';

/**
 * Topic filters that are not parameters of the topic's resource, and the search they stand for: a pain score whose
 * patient has that general practitioner (Patient.generalPractitioner), or whose patient is the subject of a
 * CareTeam with that participant (CareTeam.participant.member), whatever the CareTeam's status.
 */
const FILTER_QUERIES: Record<string, string | undefined> = {
  'general-practitioner': 'patient:Patient.general-practitioner',
  'care-team': 'patient:Patient._has:CareTeam:patient:participant',
};

export const FILTER_CRITERIA_URL = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria';
export const PAYLOAD_CONTENT_URL = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content';
export type PayloadContent = 'empty' | 'id-only' | 'full-resource';
const MEDIA_TYPES = new Set(['application/fhir+json', 'application/json']);
const HEADER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r\n]*)$/;
/** Headers the server sets itself. */
const RESERVED = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection']);

export interface SubscriptionSpec {
  channel: 'rest-hook' | 'websocket';
  type: string;
  /** The criteria's query, without `?`. */
  query: string;
  endpoint: string;
  content: PayloadContent;
  mediaType?: string;
  headers: Record<string, string>;
}

export function readSpec(sub: Subscription, defs: Definitions, topics: Topics): SubscriptionSpec {
  const { type, query } = criteriaOf(sub, defs, topics);
  const channel = sub.channel;
  if (channel?.payload !== undefined && !MEDIA_TYPES.has(channel.payload)) {
    throw unprocessable(
      `Subscription.channel.payload '${channel.payload}' is not supported; use application/fhir+json`,
      'Subscription.channel.payload',
    );
  }
  if (channel?.type === 'websocket') {
    return { channel: 'websocket', type, query, endpoint: '', content: payloadContent(sub), headers: {} };
  }
  if (channel?.type !== 'rest-hook') {
    throw notSupported(`Subscription.channel.type '${channel?.type}' is not supported; this server delivers rest-hook and websocket`);
  }
  if (!channel.endpoint)
    throw badRequest('Subscription.channel.endpoint is required for a rest-hook channel', 'Subscription.channel.endpoint');
  const headers: Record<string, string> = {};
  for (const [i, h] of (channel.header ?? []).entries()) {
    const hm = HEADER.exec(h);
    if (!hm) throw badRequest(`Subscription.channel.header[${i}] must be 'Name: value'`, `Subscription.channel.header[${i}]`);
    if (RESERVED.has(hm[1].toLowerCase()))
      throw badRequest(`Subscription.channel.header[${i}]: the server sets ${hm[1]} itself`, `Subscription.channel.header[${i}]`);
    headers[hm[1]] = hm[2];
  }
  return {
    channel: 'rest-hook',
    type,
    query,
    endpoint: channel.endpoint,
    content: payloadContent(sub),
    ...(channel.payload ? { mediaType: channel.payload } : {}),
    headers,
  };
}

/**
 * The type and query a Subscription runs: its `criteria` search, or the query criteria of the topic its
 * `criteria` names, ANDed with its filter criteria.
 */
export function criteriaOf(sub: Subscription, defs: Definitions, topics: Topics): { type: string; query: string; topic?: string } {
  const criteria = sub.criteria ?? '';
  const topic = topics.get(criteria);
  if (topic) return topicCriteria(sub, topic, defs);
  const m = /^([A-Z][A-Za-z]+)(?:\?(.*))?$/.exec(criteria);
  if (!m || !defs.resourceTypes.includes(m[1])) {
    const known = [...topics.keys()].join(', ');
    throw unprocessable(
      `Subscription.criteria '${criteria}' must be a resource type and a search query (e.g. Observation?code=http://loinc.org|72514-3) or a topic this server publishes (${known || 'none'})`,
      'Subscription.criteria',
    );
  }
  const [, type, query = ''] = m;
  checkQuery(type, query, defs);
  return { type, query };
}

function topicCriteria(sub: Subscription, topic: Topic, defs: Definitions): { type: string; query: string; topic: string } {
  const filters = ((sub as { _criteria?: { extension?: { url: string; valueString?: string }[] } })._criteria?.extension ?? [])
    .filter((e) => e.url === FILTER_CRITERIA_URL)
    .map((e) => e.valueString ?? '');
  const parts: string[] = [];
  // A filter on a parameter the topic's query has (pain-severe's value-quantity: the threshold) replaces it.
  const replaced = new Set<string>();
  for (const f of filters) {
    const m = /^([A-Z][A-Za-z]+)\?(.+)$/.exec(f);
    if (!m || m[1] !== topic.type)
      throw unprocessable(`Subscription filter criteria '${f}' must be '${topic.type}?<filter>=<value>'`, 'Subscription.criteria');
    for (const segment of m[2].split('&').filter(Boolean)) {
      const name = [...new URLSearchParams(segment).keys()][0] ?? '';
      const [base, modifier] = name.split(':');
      if (!topic.filters.includes(base)) {
        throw unprocessable(
          `Subscription filter criteria: topic ${topic.url} can be filtered by ${topic.filters.join(', ') || 'nothing'}, not '${name}'`,
          'Subscription.criteria',
        );
      }
      const through = FILTER_QUERIES[base];
      if (through && modifier !== undefined)
        throw unprocessable(`Subscription filter criteria: '${base}' takes no modifier (':${modifier}')`, 'Subscription.criteria');
      replaced.add(name);
      parts.push(through ? `${through}=${segment.includes('=') ? segment.slice(segment.indexOf('=') + 1) : ''}` : segment);
    }
  }
  const own = topic.query.split('&').filter((p) => p && !replaced.has(decodeURIComponent(p.split('=')[0])));
  const query = [...own, ...parts].join('&');
  checkQuery(topic.type, query, defs);
  return { type: topic.type, query, topic: topic.url };
}

function checkQuery(type: string, query: string, defs: Definitions): void {
  const params = new URLSearchParams(query);
  for (const name of params.keys()) {
    if (name.startsWith('_') && !['_id', '_lastUpdated', '_profile', '_tag', '_security', '_source', '_has'].includes(name.split(':')[0])) {
      throw unprocessable(
        `Subscription.criteria: '${name}' shapes a result page and means nothing for one resource; use filter parameters only`,
        'Subscription.criteria',
      );
    }
  }
  parseSearch(type, params, defs); // refuses unknown parameters and bad values with a 400 naming them
}

/** Without a payload, nothing is sent but the POST itself; with one, the backport extension says how much. */
export function payloadContent(sub: Subscription): PayloadContent {
  if (!sub.channel.payload) return 'empty';
  const ext = (sub.channel as { _payload?: { extension?: { url: string; valueCode?: string }[] } })._payload?.extension?.find(
    (e) => e.url === PAYLOAD_CONTENT_URL,
  );
  if (!ext) return 'full-resource';
  if (ext.valueCode === 'empty' || ext.valueCode === 'id-only' || ext.valueCode === 'full-resource') return ext.valueCode;
  throw unprocessable(
    `Subscription.channel.payload content '${ext.valueCode}' must be empty, id-only or full-resource`,
    'Subscription.channel.payload',
  );
}
