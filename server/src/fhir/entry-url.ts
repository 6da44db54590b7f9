// Parses Bundle.entry.request.url: relative (`Patient/1`, `Patient?identifier=x`) or absolute on our base.
// https://hl7.org/fhir/R4/bundle-definitions.html#Bundle.entry.request.url
import { badRequest } from '../core/outcomes.js';

export interface EntryUrl {
  path: string;
  query: URLSearchParams;
}

export function parseEntryUrl(url: string, baseUrl: string, where: string): EntryUrl {
  let rest = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length + 1) : url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(rest)) throw badRequest(`${where}: request.url '${url}' is not on this server`, where);
  rest = rest.replace(/^\//, '');
  const q = rest.indexOf('?');
  return q < 0 ? { path: rest, query: new URLSearchParams() } : { path: rest.slice(0, q), query: new URLSearchParams(rest.slice(q + 1)) };
}
