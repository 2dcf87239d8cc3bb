// Request ids, Prometheus metrics and readiness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/store.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.cleanup());

describe('request ids', () => {
  it('gives every response an id, keeping a sane incoming one', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const b = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'edge-123.abc' } });
    expect(b.headers['x-request-id']).toBe('edge-123.abc');
    const c = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\n<script>' } });
    expect(c.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('/metrics', () => {
  it('exposes request counts and latency by route template, jobs, and store gauges', async () => {
    await t.app.inject({ method: 'GET', url: '/api/papers/2401.00001' });
    await t.app.inject({ method: 'GET', url: '/api/papers/2401.00002' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    const body = res.body;
    expect(body).toMatch(/folio_http_requests_total\{method="GET",route="\/api\/papers\/:id",status="404"\} 2/);
    expect(body).toContain('folio_http_request_duration_seconds_bucket');
    expect(body).toMatch(/folio_database_size_bytes \d+/);
    expect(body).toMatch(/folio_papers 0/);
    expect(body).toContain('# TYPE folio_jobs_total counter');
    expect(body).toContain('# TYPE folio_harvest_records_total counter');
    expect(body).toContain('# TYPE folio_digest_messages_total counter');
    // Raw URLs never become labels.
    expect(body).not.toContain('2401.00001');
  });

  it('asks for the token when one is configured', async () => {
    const s = await buildTestApp({ metricsToken: 'a-long-enough-secret-token' });
    try {
      expect((await s.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect(
        (await s.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-wrong-token!' } })).statusCode,
      ).toBe(401);
      expect(
        (await s.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer a-long-enough-secret-token' } }))
          .statusCode,
      ).toBe(200);
    } finally {
      await s.cleanup();
    }
  });
});

describe('/readyz', () => {
  it('is ready when the store answers, and not once it is closed', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
    const s = await buildTestApp();
    await s.store.close();
    const r = await s.app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(503);
    await s.app.close();
  });
});
