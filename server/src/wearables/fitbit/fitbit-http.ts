// Every call to Fitbit (token endpoint and Web API) under the bounds of FITBIT_*_TIMEOUT_MS and
// FITBIT_MAX_RESPONSE_BYTES: a connection, an answer or a body that does not come in time, or a body too large
// or not JSON, is Fitbit's failure and answers 502, never a hung sync or a 500.
import { badGateway } from '../../core/outcomes.js';
import { OutboundError, boundedRequest, type OutboundRequest, type OutboundResponse } from '../../http/bounded-request.js';
import type { FitbitConfig } from '../wearables-config.js';

export async function fitbitRequest(config: FitbitConfig, url: string, req: OutboundRequest): Promise<OutboundResponse> {
  try {
    return await boundedRequest(url, req, config.limits);
  } catch (err) {
    if (err instanceof OutboundError) throw badGateway(`Fitbit failed (${err.message}); try again later`);
    throw err;
  }
}

/** The body as JSON (a UTF-8 byte order mark ignored); 502 when it is not (an HTML error page, a truncated answer). */
export function fitbitJson(res: OutboundResponse, what: string): unknown {
  try {
    return JSON.parse(res.body.toString('utf8').replace(/^\ufeff/, ''));
  } catch {
    const type = String(res.headers['content-type'] ?? 'no content type').split(';')[0];
    throw badGateway(`Fitbit answered ${what} with ${res.status} and a body that is not JSON (${type}); try again later`);
  }
}
