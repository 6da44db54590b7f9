// Synchronous work behind a promise-returning contract: the work runs at once and its result, or what it threw,
// comes back as a promise, as from an async function (whose caller never sees a synchronous throw).
export const settle = <T>(work: () => T): Promise<T> => new Promise((resolve) => resolve(work()));
