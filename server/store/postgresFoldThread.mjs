// Entry of the PostgreSQL store's fold thread: a thread does not inherit the server's
// `--import tsx`, so it registers tsx itself before loading the TypeScript of postgresFoldWorker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./postgresFoldWorker.ts');
