// Worker entry: the stack is TypeScript run by tsx, and a worker thread does not inherit tsx's
// loader on Node 20, so register it here before loading the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./pglite-worker.ts');
