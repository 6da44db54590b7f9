// The limits an Apple Health export is read under, so that a hostile one (a zip bomb, an endless tag or comment)
// is refused early instead of keeping a core busy: defaults generous for real exports, set by the caller.
export interface AppleLimits {
  /** Longest tag (with its attributes), comment or declaration in export.xml, in bytes (422 beyond). */
  maxMarkupBytes: number;
  /** Most bytes export.xml may inflate to from an export.zip (413 beyond). */
  maxUnzippedBytes: number;
  /** Largest ratio of export.xml's inflated size to its compressed size, once RATIO_FLOOR_BYTES are inflated (413 beyond). */
  maxZipRatio: number;
}

export const DEFAULT_APPLE_LIMITS: AppleLimits = {
  maxMarkupBytes: 1024 ** 2,
  maxUnzippedBytes: 8 * 1024 ** 3,
  // Real exports compress 15 to 30 times; whitespace or repeated bytes up to about 1000 times.
  maxZipRatio: 100,
};

/** A small file may compress better than any export does: the ratio counts only past this size. */
export const RATIO_FLOOR_BYTES = 1024 ** 2;

export const appleLimits = (given: Partial<AppleLimits> = {}): AppleLimits => ({
  maxMarkupBytes: given.maxMarkupBytes ?? DEFAULT_APPLE_LIMITS.maxMarkupBytes,
  maxUnzippedBytes: given.maxUnzippedBytes ?? DEFAULT_APPLE_LIMITS.maxUnzippedBytes,
  maxZipRatio: given.maxZipRatio ?? DEFAULT_APPLE_LIMITS.maxZipRatio,
});
