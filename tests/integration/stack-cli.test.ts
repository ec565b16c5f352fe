import { spawn } from 'node:child_process';
import { get } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_KEY } from '../../local-supabase/auth/keys.ts';
import { REPO_ROOT } from '../../local-supabase/stack.ts';
import { client, startTestStack } from './stack-setup.ts';

const work = mkdtempSync(join(tmpdir(), 'stack-cli-'));
const dataDir = join(work, 'data');
const appDir = join(work, 'dist');
mkdirSync(join(appDir, 'assets'), { recursive: true });
writeFileSync(join(appDir, 'index.html'), '<!doctype html><title>dashboard</title>');
writeFileSync(join(appDir, 'assets', 'app.js'), 'console.log(1)');

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `npm run stack` as a user runs it; resolves with the URL from its `ready <url>` line. */
function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local-supabase/index.ts', '--port', '0', '--no-simulator', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('ready ')) resolve({ child, url: line.slice(6), stderr });
    });
    child.on('exit', (code) => reject(new Error(`stack exited with ${code}: ${stderr.join('\n')}`)));
  });
}

/** A GET whose path is sent exactly as written (fetch would normalise the dots away). */
function rawStatus(url: string): Promise<number> {
  const { host, port } = new URL(url);
  const path = url.slice(url.indexOf('/', 8));
  return new Promise((resolve, reject) => {
    get({ host: host.split(':')[0], port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

const service = { apikey: SECRET_KEY, 'Content-Type': 'application/json', Prefer: 'return=representation' };
const email = `cli-restart-${Date.now()}@example.net`;

describe('stack CLI', () => {
  it('prints ready, serves the app with client-route fallback, and keeps data across a clean restart', async () => {
    const first = await startCli(['--data-dir', dataDir, '--serve-app', appDir]);
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const page = await fetch(`${first.url}/activity/today`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>dashboard</title>');
      const asset = await fetch(`${first.url}/assets/app.js`);
      expect(asset.headers.get('content-type')).toContain('text/javascript');
      expect((await fetch(`${first.url}/assets/missing.js`)).status).toBe(404);
      expect((await fetch(`${first.url}/auth/v1/unknown`)).status).toBe(404);
      expect(await rawStatus(`${first.url}/../../package.json`)).toBe(404);
      expect(await rawStatus(`${first.url}/assets/%2e%2e/%2e%2e/%2e%2e/package.json`)).toBe(404);

      const created = await fetch(`${first.url}/rest/v1/customers`, { method: 'POST', headers: service, body: JSON.stringify({ full_name: 'Restart Check', email }) });
      expect(created.status).toBe(201);
    } finally {
      expect(await stop(first.child, 'SIGTERM')).toBe(0);
    }

    const second = await startCli(['--data-dir', dataDir]);
    try {
      expect(second.stderr.join('\n')).toMatch(/database reused/);
      const res = await fetch(`${second.url}/rest/v1/customers?select=full_name&email=eq.${encodeURIComponent(email)}`, { headers: service });
      expect(await res.json()).toEqual([{ full_name: 'Restart Check' }]);
      await fetch(`${second.url}/rest/v1/customers?email=eq.${encodeURIComponent(email)}`, { method: 'DELETE', headers: service });
    } finally {
      expect(await stop(second.child, 'SIGINT')).toBe(0);
    }
  });
});

describe('stack stop with live clients', () => {
  it('closes while a realtime channel is subscribed, and the client sees the socket go', async () => {
    const stack = await startTestStack();
    const sb = client(stack);
    const statuses: string[] = [];
    const channel = sb.channel('stop-check').on('postgres_changes', { event: '*', schema: 'public', table: 'tickets' }, () => undefined);
    await new Promise<void>((resolve) =>
      channel.subscribe((status) => {
        statuses.push(status);
        if (status === 'SUBSCRIBED') resolve();
      }),
    );
    await stack.close();
    await new Promise<void>((resolve) => {
      const check = () => (statuses.some((s) => s !== 'SUBSCRIBED') ? resolve() : setTimeout(check, 50));
      check();
    });
    expect(statuses[0]).toBe('SUBSCRIBED');
    expect(statuses.slice(1).length).toBeGreaterThan(0);
    await sb.removeAllChannels();
  });
});
