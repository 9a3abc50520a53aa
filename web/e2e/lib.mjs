// Shared by the end-to-end tests: a Parley node of our own (a process on a port it binds itself, with a fresh data
// directory), Debian's Chromium through playwright-core, and the steps a user takes in the UI. Every wait is on a
// condition, with a deadline; nothing sleeps for a fixed time.
import { spawn } from 'node:child_process';
import { before, after } from 'node:test';
import { deflateSync } from 'node:zlib';
import { existsSync, mkdtempSync, readFileSync, createWriteStream, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function until(fn, what, timeoutMs = 30000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A Parley node as its own process: `java -cp node/target/classes:<classpath> parley.node.Main`. */
const handedOut = new Set();

/** A port free now, below the ephemeral range (which only an explicit bind takes), never handed out twice here. */
async function portBelowEphemeralRange() {
  let ephemeralLow = 32768;
  try {
    ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    // not Linux: the usual default
  }
  const low = Math.min(20000, ephemeralLow - 10000);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (ephemeralLow - low));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    const free = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port below ${ephemeralLow}`);
}

export class ParleyNode {
  constructor({ port, clusterPort, dataDir, logFile }) {
    this.port = port;
    this.clusterPort = clusterPort;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.proc = null;
    this.url = `http://127.0.0.1:${port}`;
  }

  /**
   * The HTTP port is one below the kernel's ephemeral range, so that a restart finds it free (the pages' URL stays):
   * a port the kernel picked could meanwhile be handed to any outgoing connection. The cluster and metrics ports are
   * 0: the node binds its own.
   */
  static async create() {
    const port = await portBelowEphemeralRange();
    const clusterPort = 0;
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-web-e2e-'));
    // The log lives beside the data directory, so it is still there to read when a test failed and cleaned up.
    return new ParleyNode({ port, clusterPort, dataDir, logFile: dataDir + '.log' });
  }

  async start() {
    const classes = join(REPO, 'node', 'target', 'classes');
    const cpFile = join(REPO, 'node', 'target', 'classpath.txt');
    await until(() => existsSync(join(classes, 'parley', 'node', 'http', 'WebRoutes.class')) && existsSync(cpFile),
      'the node to be built (node/target/classes with WebRoutes, node/target/classpath.txt)', 60000, 500);
    const cp = `${classes}:${readFileSync(cpFile, 'utf8').trim()}`;
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.proc = spawn('java', ['-cp', cp, 'parley.node.Main'], {
      cwd: REPO,
      env: {
        // The host's own PARLEY_ settings (a developer's database, say) are not this test node's.
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PARLEY_'))),
        PARLEY_HTTP_PORT: String(this.port),
        // Its own cluster port and any metrics port: other nodes on this machine (CI's, a developer's) keep theirs.
        PARLEY_CLUSTER_PORT: String(this.clusterPort),
        PARLEY_METRICS_PORT: '0',
        PARLEY_DATA_DIR: this.dataDir,
        PARLEY_WEB_DIR: join(REPO, 'web', 'src'),
        // Each user costs a hash and a check; the shipped work factor would spend half a second of a core on each.
        PARLEY_BCRYPT_COST: '4',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout.pipe(log);
    this.proc.stderr.pipe(log);
    const proc = this.proc;
    let said = '';
    const bound = new Promise((resolveBound) => {
      const read = (chunk) => {
        said += chunk;
        const m = /Parley node listening on http:\/\/[^:\/\s]+:(\d+)/.exec(said);
        if (m) {
          proc.stdout.off('data', read);
          said = '';
          resolveBound(Number(m[1]));
        }
      };
      proc.stdout.on('data', read);
      proc.once('exit', () => resolveBound(null));
    });
    this.exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    let exited = false;
    this.exited.then(() => { exited = true; });
    let timer;
    const port = await Promise.race([bound, new Promise((r) => { timer = setTimeout(() => r(null), 120000); })]);
    clearTimeout(timer);
    if (port === null && proc.exitCode === null && proc.signalCode === null) {
      throw new Error(`the node did not say where it listens within 120 s; see ${this.logFile}`);
    }
    if (port !== null) {
      if (this.port !== 0 && port !== this.port) throw new Error(`the node listens on ${port}, not ${this.port}`);
      this.port = port;
      this.url = `http://127.0.0.1:${port}`;
    }
    await until(async () => {
      if (exited) return true;
      const res = await fetch(this.url + '/ready').catch(() => null);
      return res && res.status === 200;
    }, `GET ${this.url}/ready == 200`, 120000, 200);
    if (exited) {
      const tail = readFileSync(this.logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`the node exited before it was ready; ${this.logFile} ends with:\n${tail}`);
    }
  }

  /** Ends the process with `signal` and waits until it is gone. */
  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill(signal);
    let timer;
    const done = await Promise.race([this.exited, new Promise((r) => { timer = setTimeout(() => r(null), 30000); })]);
    clearTimeout(timer);
    if (!done) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  /** One API call as a test's script makes it: JSON in and out, a bearer token or none; throws unless 2xx. */
  async call(token, method, path, body) {
    const res = await fetch(this.url + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** Signs a user up over the API and returns a login token. */
  async user(name, password) {
    await this.call(null, 'POST', '/api/v1/auth/signup', { username: name, password });
    return (await this.call(null, 'POST', '/api/v1/auth/login', { username: name, password })).token;
  }

  cleanup() {
    rmSync(this.dataDir, { recursive: true, force: true });
    rmSync(this.logFile, { force: true });
  }
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A browser context and page for one person; collects console errors and page errors (a CSP violation is one). */
export async function openUser(browser, node, { width = 1280, height = 800, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({
    baseURL: node.url, viewport: { width, height }, acceptDownloads: true, colorScheme, locale: 'en-GB',
  });
  const page = await context.newPage();
  const problems = [];
  watch(page, problems);
  await page.goto('/');
  return { context, page, problems };
}

export function watch(page, problems) {
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(m.text())) {
      problems.push('console: ' + m.text());
    }
  });
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
}

export async function signUp(page, username, password, { stay = false } = {}) {
  await page.locator('#auth-username').fill(username);
  await page.locator('#auth-password').fill(password);
  if (stay) await page.locator('#auth-stay').check();
  await page.getByRole('button', { name: 'Sign up' }).click();
  await waitOnline(page);
}

export async function waitOnline(page, timeout = 30000) {
  await page.locator('#conn[data-state="online"]').waitFor({ timeout });
}

export async function createRoom(page, name) {
  await page.getByRole('button', { name: 'New room' }).click();
  await page.locator('#create-name').fill(name);
  await page.locator('#dlg-create').getByRole('button', { name: 'Create' }).click();
  await until(async () => (await page.locator('#room-title').textContent()) === '# ' + name, `room ${name} to open`);
  return roomIdOf(page);
}

export async function roomIdOf(page) {
  const hash = await page.evaluate(() => location.hash);
  return decodeURIComponent(hash.replace(/^#room=/, ''));
}

export async function openRoom(page, id) {
  await page.locator(`#sidebar button[data-room="${id}"]`).click();
  await until(async () => (await roomIdOf(page)) === id, `room ${id} to open`);
}

export async function send(page, text) {
  const input = page.locator('#composer-input');
  await input.fill(text);
  await input.press('Enter');
}

/** The seqs shown in the timeline, in DOM order. */
export async function timelineSeqs(page) {
  return page.locator('#timeline [data-seq]').evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
}

/** The message with this text in the timeline (entries with a seq only). */
export function messageByText(page, text) {
  return page.locator('#timeline article[data-seq]').filter({ has: page.locator('.msg-body', { hasText: text }) });
}

/**
 * Types into the composer one key at a time, as a person does, until `cond()` holds (the typing line of the other
 * side, say): a typist is relayed at most every 2 s, so a burst of keys may not be enough on its own.
 */
export async function typeUntil(page, text, cond, what, timeoutMs = 20000) {
  const input = page.locator('#composer-input');
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    await input.press(text[i % text.length] === ' ' ? 'Space' : text[i % text.length]);
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out typing until ${what}`);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, c]);
}

/** A valid w x h RGB PNG whose pixel (x, y) is {@code pixel(x, y)} = [r, g, b]: images to share in a room. */
export function png(w, h, pixel) {
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const [r, g, b] = pixel(x, y);
      row[1 + x * 3] = r;
      row[2 + x * 3] = g;
      row[3 + x * 3] = b;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * A node of its own (fresh data directory) and a browser for a scenario file: started before its tests, given to
 * {@code use}, and stopped after them (the node's directory removed).
 */
export function nodeAndBrowser(use) {
  let node;
  let browser;
  before(async () => {
    node = await ParleyNode.create();
    await node.start();
    browser = await launchBrowser();
    use(node, browser);
  });
  after(async () => {
    if (browser) await browser.close();
    if (node) {
      await node.stop('SIGTERM');
      node.cleanup();
    }
  });
}
