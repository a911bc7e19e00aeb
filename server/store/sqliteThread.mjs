// Entry of the store's worker threads: a thread does not inherit the server's `--import tsx`,
// so it registers tsx itself before loading the TypeScript of sqliteWorker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./sqliteWorker.ts');
