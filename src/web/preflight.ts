// Checks made before `folio serve` does any work: a port already in use used to be found only after
// migrating, loading the demo and spawning a search-index child (left orphaned when the process exited).
import { createServer } from 'node:net';

/** Resolves when `host:port` can be bound; rejects with the listen error (code EADDRINUSE, EACCES) otherwise. */
export function checkPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
