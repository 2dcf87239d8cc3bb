/** The two stores Folio runs on. */
export type Dialect = 'sqlite' | 'postgres';
