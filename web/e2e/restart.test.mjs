// Scenario 2: the node is killed with SIGKILL while alice sends, and started again on the same data directory and
// port. What alice and bob sent (as it died, and while it was down) reaches the other exactly once, and both
// timelines go on from where they were without a gap. Then the same with alice's tab closed while her message
// waits: the outbox kept in localStorage sends it when she comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nodeAndBrowser, openUser, signUp, createRoom, send, until, roomIdOf, messageByText, waitOnline,
  timelineSeqs, watch,
} from './lib.mjs';

let node;
let browser;

nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

const offline = (page) => page.locator('#conn[data-state="offline"]').waitFor({ timeout: 30000 });

/** The text is in the timeline exactly once, with a seq. */
async function once(page, text) {
  await messageByText(page, text).first().waitFor({ timeout: 60000 });
  assert.equal(await messageByText(page, text).count(), 1, `"${text}" once in ${page.url()}`);
}

/** The timeline shows seqs 1..n with none missing and none twice; returns n. */
async function gapFree(page) {
  const seqs = await timelineSeqs(page);
  assert.ok(seqs.length > 0);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `seqs in the DOM: ${seqs.join(',')}`);
  return seqs.length;
}

/**
 * The node's own history holds each text once: a copy made by a resend would have a seq of its own, which a gap-free
 * timeline does not show, and could arrive after a page's check.
 */
async function storedOnce(room, texts) {
  const token = (await node.call(null, 'POST', '/api/v1/auth/login', { username: 'alice', password: 'correct horse' })).token;
  const all = (await node.call(token, 'GET', `/api/v1/rooms/${room}/messages?limit=200`)).messages.map((m) => m.text);
  for (const text of texts) {
    assert.equal(all.filter((t) => t === text).length, 1, `"${text}" stored once: ${JSON.stringify(all)}`);
  }
}

async function settled(page) {
  await until(async () => (await page.locator('#timeline article.pending').count()) === 0, 'no pending lines', 60000);
}

test('SIGKILL mid-send and a restart: exactly once, no gap; the outbox survives a closed tab', async () => {
  const alice = await openUser(browser, node);
  const bob = await openUser(browser, node);
  const a = alice.page;
  const b = bob.page;
  await signUp(a, 'alice', 'correct horse', { stay: true });
  await signUp(b, 'bob', 'battery staple');

  const room = await createRoom(a, 'ops');
  await b.getByRole('button', { name: 'Browse', exact: true }).click();
  await b.locator('#join-id').fill(room);
  await b.locator('#dlg-browse').getByRole('button', { name: 'Join', exact: true }).click();
  await until(async () => (await roomIdOf(b)) === room, 'bob to be in the room');
  await send(a, 'before the crash, from alice');
  await send(b, 'before the crash, from bob');
  await once(a, 'before the crash, from bob');
  await once(b, 'before the crash, from alice');

  // alice sends, and the node dies at once: the send may or may not have been stored.
  await send(a, 'sent as the node died');
  await node.stop('SIGKILL');
  await offline(a);
  await offline(b);

  // While it is down, both write; the lines wait as pending.
  await send(a, 'typed while the node was down');
  await send(b, 'bob typed while it was down too');
  await a.locator('#timeline article.pending[data-status="pending"]', { hasText: 'typed while the node was down' }).waitFor();
  const kept = await a.evaluate(() => JSON.parse(localStorage.getItem('parley.outbox.alice') || '[]').map((i) => i.text));
  assert.ok(kept.includes('typed while the node was down'), `outbox in localStorage: ${JSON.stringify(kept)}`);
  assert.match(await a.locator('#conn').textContent(), /unsent/);

  await node.start();
  await waitOnline(a, 60000);
  await waitOnline(b, 60000);
  for (const text of ['sent as the node died', 'typed while the node was down', 'bob typed while it was down too']) {
    await once(a, text);
    await once(b, text);
  }
  await settled(a);
  await settled(b);
  const n = await gapFree(a);
  assert.equal(await gapFree(b), n);
  await storedOnce(room, ['sent as the node died', 'typed while the node was down', 'bob typed while it was down too']);

  // Down again; alice's message waits in her outbox, and she closes the tab.
  await node.stop('SIGKILL');
  await offline(a);
  await offline(b);
  await send(a, 'queued, then the tab was closed');
  await until(() => a.evaluate(() => (localStorage.getItem('parley.outbox.alice') || '').includes('queued, then the tab was closed')),
    'the message to be in localStorage');
  await a.close();
  await node.start();
  await waitOnline(b, 60000);

  // She opens Parley again: still signed in (she chose to stay), and the outbox goes out.
  const a2 = await alice.context.newPage();
  watch(a2, alice.problems);
  await a2.goto('/');
  await waitOnline(a2, 60000);
  await until(async () => (await roomIdOf(a2)) === room, 'alice\'s last room to open');
  await once(b, 'queued, then the tab was closed');
  await once(a2, 'queued, then the tab was closed');
  await settled(a2);
  await settled(b);
  const m = await gapFree(b);
  assert.equal(await gapFree(a2), m);
  assert.ok(m > n);
  await storedOnce(room, ['queued, then the tab was closed']);
  assert.equal(await a2.evaluate(() => JSON.parse(localStorage.getItem('parley.outbox.alice') || '[]').length), 0);

  assert.deepEqual(alice.problems, []);
  assert.deepEqual(bob.problems, []);
});
