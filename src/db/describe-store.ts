// Names the store an instance uses, for the start line and for failure messages.

/** Where the store is, for messages: never the password. */
export function describeStore(databaseUrl: string | undefined, dataDir: string): string {
  if (!databaseUrl) return `SQLite in ${dataDir}`;
  try {
    const u = new URL(databaseUrl);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}
