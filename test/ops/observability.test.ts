// Request ids, Prometheus metrics and readiness.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, makeMember, signedIn } from '../support/members.ts';
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
    const admin = await signedIn(t.store, (await makeMember(t.store, { role: 'admin' })).id);
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { cookie: admin.cookie } });
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

  it('answers admins only (session or API token), unless FOLIO_METRICS_PUBLIC opens it', async () => {
    const get = (headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: '/metrics', headers });
    expect((await get()).statusCode).toBe(401);
    const member = await makeMember(t.store);
    const admin = await makeMember(t.store, { role: 'admin' });
    expect((await get({ cookie: (await signedIn(t.store, member.id)).cookie })).statusCode).toBe(403);
    expect((await get({ authorization: `Bearer ${await apiToken(t.store, member.id)}` })).statusCode).toBe(401);
    expect((await get({ authorization: 'Bearer folio_not-a-token' })).statusCode).toBe(401);
    expect((await get({ cookie: (await signedIn(t.store, admin.id)).cookie })).statusCode).toBe(200);
    expect((await get({ authorization: `Bearer ${await apiToken(t.store, admin.id)}` })).statusCode).toBe(200);
    const open = await buildTestApp({ metricsPublic: '1' });
    try {
      expect((await open.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await open.cleanup();
    }
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
