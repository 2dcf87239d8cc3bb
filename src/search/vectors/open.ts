// The vector index of a build, on whichever store is in use.
import type { Kysely } from 'kysely';
import type { Dialect } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { PgVectorIndex } from './pgvector-index.ts';
import { UsearchIndex } from './usearch-index.ts';
import type { VectorIndex } from './vector-index.ts';

export interface VectorStore {
  db: Kysely<Database>;
  dialect: Dialect;
  dataDir: string;
}

export async function createVectorIndex(s: VectorStore, indexId: number, dims: number): Promise<VectorIndex> {
  return s.dialect === 'postgres' ? PgVectorIndex.create(s.db, indexId, dims) : UsearchIndex.create(s.dataDir, indexId, dims);
}

export async function openVectorIndex(s: VectorStore, indexId: number, dims: number, writable = false): Promise<VectorIndex> {
  return s.dialect === 'postgres' ? new PgVectorIndex(s.db, indexId, dims) : UsearchIndex.open(s.dataDir, indexId, dims, writable);
}

export async function removeVectorIndex(s: VectorStore, indexId: number): Promise<void> {
  if (s.dialect === 'postgres') await PgVectorIndex.remove(s.db, indexId);
  else UsearchIndex.remove(s.dataDir, indexId);
}
