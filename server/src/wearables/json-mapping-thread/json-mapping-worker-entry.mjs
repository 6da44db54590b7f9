// Entry of a JSON mapping thread: a worker thread does not inherit the TypeScript loader the server registers
// programmatically (bin/fibrotrack.js), so it registers its own before loading the worker.
import { register } from 'tsx/esm/api';

register();
await import('./json-mapping-worker.ts');
