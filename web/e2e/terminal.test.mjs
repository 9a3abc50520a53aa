// Scenario: the "done when". A person opens the node in a browser, signs up and talks with a user of the
// terminal client in the same room: the terminal user's --send shows up in the page, and what the page sends shows up
// in the terminal user's --tail. The terminal client is the project's own (terminal-client/target, built by Maven).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  REPO, nodeAndBrowser, openUser, signUp, createRoom, send, until, messageByText,
} from './lib.mjs';

let node;
let browser;
const home = mkdtempSync(join(tmpdir(), 'parley-web-e2e-home-'));
const tails = [];

// Registered first, so it runs first: the terminal clients end before their node does.
after(() => {
  for (const t of tails) t.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
});
nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

/** The terminal client in line mode, as `./parley client` runs it, logged in from the environment. */
function terminalClient(args, username, password) {
  const classes = join(REPO, 'terminal-client', 'target', 'classes');
  const cpFile = join(REPO, 'terminal-client', 'target', 'classpath.txt');
  assert.ok(existsSync(cpFile), 'the terminal client is built (terminal-client/target/classpath.txt)');
  const cp = `${classes}:${readFileSync(cpFile, 'utf8').trim()}`;
  const proc = spawn('java', ['-cp', cp, 'parley.client.Main', '--server', node.url, ...args], {
    // Its own home: --server is remembered there, not in the user's.
    env: { ...process.env, HOME: home, PARLEY_USERNAME: username, PARLEY_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.out = '';
  proc.stdout.on('data', (d) => { proc.out += d; });
  proc.stderr.on('data', (d) => { proc.out += d; });
  proc.done = new Promise((r) => proc.once('exit', (code) => r(code)));
  return proc;
}

async function api(method, path, body, token) {
  const res = await fetch(node.url + '/api/v1' + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

test('a browser user and a terminal-client user talk in the same room', async () => {
  const alice = await openUser(browser, node);
  await signUp(alice.page, 'alice', 'correct horse battery');
  const room = await createRoom(alice.page, 'lobby');

  // bob lives in a terminal: he signs up and joins over the API (as the terminal client's /join does).
  assert.equal((await api('POST', '/auth/signup', { username: 'bob', password: 'bob password 1' })).status, 201);
  const login = await api('POST', '/auth/login', { username: 'bob', password: 'bob password 1' });
  assert.equal((await api('POST', `/rooms/${room}/join`, null, login.body.token)).status, 200);

  const tail = terminalClient(['--tail', room, '--history', '20'], 'bob', 'bob password 1');
  tails.push(tail);
  // --history 20: the line is printed whether it was stored before the tail connected (history) or after (live).
  await send(alice.page, 'hello from the browser');
  await until(() => tail.out.includes('alice: hello from the browser'), 'the terminal to print the browser\'s line', 60000);

  const sent = terminalClient(['--send', room, 'hello from the terminal'], 'bob', 'bob password 1');
  assert.equal(await sent.done, 0, 'the terminal client\'s --send exits 0 once acknowledged: ' + sent.out);
  await messageByText(alice.page, 'hello from the terminal').waitFor({ timeout: 30000 });
  assert.deepEqual(alice.problems, []);
});
