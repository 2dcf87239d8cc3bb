import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';

/** `GET /healthz`: the process is up and the store answers. */
export function registerHealth(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(ctx.store.db);
      return { status: 'ok', store: ctx.store.dialect };
    } catch {
      return reply.status(503).send({ status: 'unavailable', error: 'the store does not answer' });
    }
  });
}
