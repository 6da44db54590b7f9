// Configuration of Binary content (BINARY_*, docs/rest-api.md#binary): where content moves out of the database into
// the blob store, the largest content accepted, and how much content one Bundle page may carry. config.ts calls it.
import { intVar } from '../core/env-vars.js';

export interface BinaryConfig {
  /** Content of more decoded bytes than this lives in the blob store, not in the resource row (BINARY_INLINE_MAX_BYTES). */
  inlineMaxBytes: number;
  /** The largest Binary content accepted, raw or base64-decoded (BINARY_MAX_BYTES); more is 413. */
  maxBytes: number;
  /** The most blob content one search, history or $everything page inlines (BINARY_PAGE_MAX_BYTES); more is 413. */
  pageMaxBytes: number;
}

type Env = Record<string, string | undefined>;

export function loadBinaryConfig(env: Env): BinaryConfig {
  return {
    inlineMaxBytes: intVar(env, 'BINARY_INLINE_MAX_BYTES', 64 * 1024),
    maxBytes: Math.max(1, intVar(env, 'BINARY_MAX_BYTES', 20 * 1024 * 1024)),
    pageMaxBytes: Math.max(1, intVar(env, 'BINARY_PAGE_MAX_BYTES', 64 * 1024 * 1024)),
  };
}
