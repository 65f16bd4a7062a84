/**
 * A real browser for tests: Debian's headless Chromium driven over the
 * Chrome DevTools Protocol on --remote-debugging-pipe (JSON messages ending
 * in NUL on fds 3 and 4), with no npm dependency: the few commands a test
 * needs are a page away. It loads a page and reports what a user's browser
 * would have done: console errors, uncaught exceptions, blocked or failed
 * loads, every request for another URL than the page itself, and a
 * full-page screenshot.
 *
 * Chromium missing fails the test with how to install it: a skipped browser
 * test would say nothing about the page.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const INSTALL = 'The HTML report is tested in a real browser: install it with `apt-get install -y chromium` (Debian/Ubuntu), or set LOGMILL_CHROMIUM to a Chrome or Chromium binary.';

export function findChromium(): string {
  const fromEnv = process.env.LOGMILL_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`LOGMILL_CHROMIUM=${fromEnv}: no such file. ${INSTALL}`);
    return fromEnv;
  }
  for (const name of CANDIDATES) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new Error(`no Chromium found (looked for ${CANDIDATES.join(', ')} on PATH). ${INSTALL}`);
}

export interface PageVisit {
  /** console.error / console.assert messages, uncaught exceptions, and the browser log's errors (CSP violations, failed loads). */
  errors: string[];
  /** Every URL the page asked for other than itself. */
  requests: string[];
  /** Values of the expressions asked for, evaluated after load. */
  values: unknown[];
  /** Full-page PNG. */
  screenshot: Buffer;
}

interface Message { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string }

class Cdp {
  private next = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  readonly events: Message[] = [];
  private listeners: ((m: Message) => void)[] = [];

  constructor(private readonly input: Writable, output: Readable) {
    output.setEncoding('utf8');
    output.on('data', (d: string) => {
      this.buffer += d;
      for (let i = this.buffer.indexOf('\0'); i >= 0; i = this.buffer.indexOf('\0')) {
        const msg = JSON.parse(this.buffer.slice(0, i)) as Message;
        this.buffer = this.buffer.slice(i + 1);
        if (msg.id !== undefined) {
          const p = this.pending.get(msg.id);
          this.pending.delete(msg.id);
          if (msg.error) p?.reject(new Error(msg.error.message));
          else p?.resolve(msg.result ?? {});
        } else {
          this.events.push(msg);
          for (const l of this.listeners) l(msg);
        }
      }
    });
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.next++;
    this.input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  waitFor(method: string): Promise<Message> {
    const seen = this.events.find((e) => e.method === method);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const l = (m: Message) => {
        if (m.method !== method) return;
        this.listeners = this.listeners.filter((x) => x !== l);
        resolve(m);
      };
      this.listeners.push(l);
    });
  }
}

/** Opens `url` in a fresh headless Chromium, evaluates `expressions`, screenshots, closes. */
export async function visit(url: string, expressions: string[] = []): Promise<PageVisit> {
  const binary = findChromium();
  const profile = mkdtempSync(path.join(tmpdir(), 'logmill-chromium-'));
  const child: ChildProcess = spawn(binary, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
    '--disable-background-networking', '--disable-extensions', '--disable-sync', '--metrics-recording-only',
    `--user-data-dir=${profile}`, '--remote-debugging-pipe', '--window-size=1280,900', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<never>((_, reject) => {
    child.on('error', (err) => reject(new Error(`${binary} could not be started: ${err.message}. ${INSTALL}`)));
    child.on('exit', (code) => reject(new Error(`chromium exited (${code}) before the page was checked:\n${stderr.slice(-2000)}`)));
  });
  const cdp = new Cdp(child.stdio[3] as Writable, child.stdio[4] as Readable);
  try {
    return await Promise.race([exited, (async () => {
      const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true }) as { sessionId: string };
      const s = (method: string, params: Record<string, unknown> = {}) => cdp.send(method, params, sessionId);
      await s('Runtime.enable');
      await s('Log.enable');
      await s('Network.enable');
      await s('Page.enable');
      await s('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
      await s('Page.navigate', { url });
      await cdp.waitFor('Page.loadEventFired');
      const values: unknown[] = [];
      for (const expression of expressions) {
        const r = await s('Runtime.evaluate', { expression, returnByValue: true }) as { result: { value: unknown }; exceptionDetails?: { text: string } };
        if (r.exceptionDetails) throw new Error(`evaluating ${expression}: ${r.exceptionDetails.text}`);
        values.push(r.result.value);
      }
      const metrics = await s('Page.getLayoutMetrics') as { cssContentSize: { width: number; height: number } };
      const height = Math.ceil(metrics.cssContentSize.height);
      await s('Emulation.setDeviceMetricsOverride', { width: 1280, height, deviceScaleFactor: 1, mobile: false });
      const shot = await s('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }) as { data: string };
      const errors: string[] = [];
      const requests: string[] = [];
      for (const e of cdp.events) {
        if (e.sessionId !== sessionId) continue;
        const p = e.params as Record<string, any>;
        if (e.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert' || p.type === 'warning')) {
          errors.push(`console.${p.type}: ${(p.args as { value?: unknown; description?: string }[]).map((a) => a.value ?? a.description).join(' ')}`);
        } else if (e.method === 'Runtime.exceptionThrown') errors.push(`exception: ${p.exceptionDetails.exception?.description ?? p.exceptionDetails.text}`);
        else if (e.method === 'Log.entryAdded' && (p.entry.level === 'error' || p.entry.level === 'warning')) errors.push(`${p.entry.source}: ${p.entry.text}${p.entry.url ? ` (${p.entry.url})` : ''}`);
        else if (e.method === 'Network.requestWillBeSent' && p.request.url !== url) requests.push(p.request.url);
        else if (e.method === 'Network.loadingFailed') errors.push(`load failed: ${p.errorText}${p.blockedReason ? ` (${p.blockedReason})` : ''}`);
      }
      await cdp.send('Browser.close').catch(() => undefined);
      return { errors, requests, values, screenshot: Buffer.from(shot.data, 'base64') };
    })()]);
  } finally {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
    // Chromium's helper processes may still be writing the profile for a moment
    // after the browser exits (ENOTEMPTY seen on a loaded machine): retry.
    rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}
