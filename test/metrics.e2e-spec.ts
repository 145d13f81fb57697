import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PublishMetrics } from '#queue/metrics.js';
import { startApi, type Api } from './support/api.js';
import { createTestEnv, type TestEnv } from './support/env.js';

describe('/metrics', () => {
  describe('without a token', () => {
    let t: TestEnv;
    let api: Api;

    beforeAll(async () => {
      t = await createTestEnv();
      api = await startApi(t.config);
      await api.createOrganisation('Collectif');
    });

    afterAll(async () => {
      await api?.close();
      await t?.cleanup();
    });

    it('answers a direct request from this machine in the Prometheus format, with the workers’ figures summed in Redis', async () => {
      // What a worker records while publishing, flushed as it is on shutdown.
      const recorder = api.app.get(PublishMetrics);
      recorder.outcome('published');
      recorder.gate('pass');
      recorder.published(0.3, 1);
      await recorder.onModuleDestroy();

      const res = await fetch(`${api.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('piquet_queue_jobs{queue="deliveries",state="waiting"} 0');
      expect(text).toContain('# TYPE piquet_deliveries gauge');
      expect(text).toContain('piquet_publish_jobs_total{outcome="published"} 1');
      expect(text).toContain('piquet_gate_decisions_total{decision="pass"} 1');
      expect(text).toContain('piquet_publish_seconds_bucket{le="0.5"} 1');
      expect(text).toContain('piquet_publish_seconds_bucket{le="0.25"} 0');
      expect(text).toContain('piquet_publish_attempts_count 1');
      expect(text).toContain('piquet_api_process_cpu_seconds_total');
    });

    it('is not there for a request that came through a proxy', async () => {
      const res = await fetch(`${api.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(res.status).toBe(404);
    });
  });

  describe('with METRICS_TOKEN', () => {
    let t: TestEnv;
    let api: Api;
    const token = 'a-long-enough-metrics-token';

    beforeAll(async () => {
      t = await createTestEnv({ METRICS_TOKEN: token });
      api = await startApi(t.config);
    });

    afterAll(async () => {
      await api?.close();
      await t?.cleanup();
    });

    it('answers only the token, from anywhere', async () => {
      expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${api.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
      const ok = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.7' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('piquet_deliveries');
    });
  });
});
