// The monitoring files an IT person loads (deploy/monitoring): every metric
// the Prometheus alert rules and the Grafana dashboard use is one a running
// server (with Redis and PostgreSQL, so the messenger's are there too) exports
// at /metrics; Debian's promtool accepts the rules, and the dashboard's
// queries parse as PromQL (checked as recording rules by the same promtool).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

const DIR = fileURLToPath(new URL('../../deploy/monitoring/', import.meta.url));
const RULES = join(DIR, 'school-call-alerts.yml');
const DASHBOARD = join(DIR, 'school-call-dashboard.json');
// Debian's prometheus package (scripts/setup.sh --test).
const PROMTOOL = '/usr/bin/promtool';

/** Figures that get an alert (the list), each by a metric the rules must use. */
const ALERTED = {
  'worker CPU': 'school_call_mediasoup_worker_cpu_seconds',
  'packet loss': 'school_call_producer_packets_lost_total',
  'chat delivery': 'school_call_chat_request_duration_seconds_bucket',
  recorder: 'school_call_recordings_interrupted_total',
  'transcriber queue': 'school_call_transcriber_queue_seconds',
};
/** What the dashboard shows: those, and how many lessons and people there are. */
const SHOWN = { lessons: 'school_call_rooms_live', participants: 'school_call_participants', ...ALERTED };

interface Panel {
  title?: string;
  type: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
const dashboardExprs = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
);
const rulesText = readFileSync(RULES, 'utf8');

const used = (text: string) => new Set(text.match(/\bschool_call_[a-z0-9_]+/g) ?? []);

/** Metric names /metrics declares, with the series names of histograms and summaries. */
function exported(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    out.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_count', '_sum']) out.add(name + s);
    if (type === 'summary') for (const s of ['_count', '_sum']) out.add(name + s);
  }
  return out;
}

function promtool(...args: string[]): string {
  try {
    return execFileSync(PROMTOOL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe.skipIf(!redisAvailable())('the alert rules and the dashboard', () => {
  let redis: TestRedis;
  let server: TestServer;
  let metrics: string;
  const tmp = mkdtempSync(join(tmpdir(), 'monitoring-'));

  beforeAll(async () => {
    redis = await startRedis();
    server = await startTestServer({ REDIS_URL: redis.url });
    metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('use only metrics the server exports, and cover every figure that matters', () => {
    const have = exported(metrics);
    expect(have.size).toBeGreaterThan(50);
    const inRules = used(rulesText);
    const inDashboard = used(dashboardExprs.map((e) => e.expr).join('\n'));
    for (const name of [...inRules, ...inDashboard])
      expect(have, `${name} is not in /metrics`).toContain(name);
    for (const [figure, name] of Object.entries(ALERTED))
      expect(inRules, `no alert on ${figure}`).toContain(name);
    for (const [figure, name] of Object.entries(SHOWN))
      expect(inDashboard, `no panel for ${figure}`).toContain(name);
    // Besides the server's own, only Prometheus's `up` (it records whether the scrape worked).
    expect(rulesText.match(/\bup\{job="school-call"\}/)).not.toBeNull();
  });

  it('rules pass promtool', () => {
    const out = promtool('check', 'rules', RULES);
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('dashboard queries parse as PromQL', () => {
    expect(dashboardExprs.length).toBeGreaterThan(15);
    // Grafana fills $instance in; each query becomes a recording rule promtool parses.
    const rules = dashboardExprs
      .map(
        ({ expr }, i) =>
          `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(expr.replaceAll('$instance', '.*'))}`,
      )
      .join('\n');
    const file = join(tmp, 'dashboard-queries.yml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    expect(promtool('check', 'rules', file)).toContain(`SUCCESS: ${dashboardExprs.length} rules found`);
  });

  it('the packet-loss alert fires at 5 % loss and not at 1 % (promtool test rules)', () => {
    // One host: 1000 packets/s received; 50/s lost on one, 10/s on another.
    const test = `rule_files:\n  - ${RULES}\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n      - series: 'school_call_producer_packets_total{job="school-call",instance="a",kind="audio"}'\n        values: '0+60000x20'\n      - series: 'school_call_producer_packets_lost_total{job="school-call",instance="a",kind="audio"}'\n        values: '0+3000x20'\n      - series: 'school_call_producer_packets_total{job="school-call",instance="b",kind="audio"}'\n        values: '0+60000x20'\n      - series: 'school_call_producer_packets_lost_total{job="school-call",instance="b",kind="audio"}'\n        values: '0+600x20'\n    alert_rule_test:\n      - eval_time: 15m\n        alertname: SchoolCallPacketLoss\n        exp_alerts:\n          - exp_labels: { severity: warning, instance: a }\n            exp_annotations:\n              summary: "4.762% of incoming media packets are lost on a"\n              description: "People's microphones and cameras lose over 3 % of their packets on the way to the server: the school's or the server's network is saturated, or the machine is short of CPU (see the worker CPU)."\n`;
    const file = join(tmp, 'alerts.test.yml');
    writeFileSync(file, test);
    expect(promtool('test', 'rules', file)).toContain('SUCCESS');
  });
});
