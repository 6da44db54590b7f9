// One load run with autocannon (pinned in package.json): `connections` clients, each sending its next request
// when the previous one answered, for `seconds`. Answers throughput, latency and how many requests failed
// (non-2xx answers, socket errors, timeouts: reported beside the figures, which count every answer).
import autocannon from 'autocannon';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: string;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failed: number;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function load(
  origin: string,
  connections: number,
  seconds: number,
  next: () => RequestSpec,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  const result = await autocannon({
    url: origin,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const spec = next();
          return {
            ...req,
            method: spec.method,
            path: spec.path,
            headers: { ...headers, Accept: 'application/fhir+json', ...(spec.body ? { 'Content-Type': 'application/fhir+json' } : {}) },
            ...(spec.body ? { body: spec.body } : { body: undefined }),
          };
        },
      },
    ],
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failed,
  };
}
