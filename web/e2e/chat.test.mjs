// Scenario 1: two people meet in a room. They sign up in the UI, alice creates a room and bob joins it from the
// room browser; they talk and see each other typing; alice watches her message go delivered, then read; bob
// mentions alice while she is in another room and she is told; alice shares a file that bob downloads byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  nodeAndBrowser, openUser, signUp, createRoom, openRoom, send, until, roomIdOf, messageByText, typeUntil, png,
} from './lib.mjs';

let node;
let browser;

nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

const sha256 = (b) => createHash('sha256').update(b).digest('hex');


test('alice and bob: join, talk, typing, delivered then read, a mention elsewhere, a file byte for byte', async () => {
  const alice = await openUser(browser, node);
  const bob = await openUser(browser, node);
  const a = alice.page;
  const b = bob.page;
  // What each page sends: a typing line must go because its typist cleared the input (a stop frame went out), not
  // because it expired on its own seconds later.
  const sent = (page) => {
    const frames = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(String(f.payload))));
    return frames;
  };
  const aSent = sent(a);
  const bSent = sent(b);
  const stopsIn = (frames) => frames.filter((f) => f.includes('"type":"typing"') && f.includes('"stop":true')).length;
  // alice allows desktop notifications; the page's Notification is wrapped to see which ones it shows.
  await alice.context.grantPermissions(['notifications']);
  await alice.context.addInitScript(() => {
    const Real = window.Notification;
    window.__shown = [];
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.__shown.push(title + ' | ' + (options && options.body));
      }
    };
    window.Notification.requestPermission = Real.requestPermission.bind(Real);
    Object.defineProperty(window.Notification, 'permission', { get: () => Real.permission });
  });
  await a.reload();

  await signUp(a, 'alice', 'correct horse');
  await signUp(b, 'bob', 'battery staple');

  // alice creates #general; bob finds it in the room browser and joins.
  const general = await createRoom(a, 'general');
  await b.getByRole('button', { name: 'Browse', exact: true }).click();
  await b.locator('#browse-list').getByRole('button', { name: 'Join general' }).click();
  await until(async () => (await roomIdOf(b)) === general, 'bob to be in #general');
  await a.locator('#timeline .sys', { hasText: 'bob joined' }).waitFor();
  await a.locator('#member-list', { hasText: 'bob' }).waitFor();

  // They talk.
  await send(a, 'hi bob, welcome to general');
  await messageByText(b, 'hi bob, welcome to general').waitFor();
  await send(b, 'hello alice!');
  await messageByText(a, 'hello alice!').waitFor();

  // Each sees the other typing, and the line goes when the input is cleared.
  const typingLine = (page) => page.locator('#typing').textContent();
  await typeUntil(b, 'I am typing something ', async () => (await typingLine(a)) === 'bob is typing...', 'alice sees bob typing');
  const bStops = stopsIn(bSent);
  await b.locator('#composer-input').fill('');
  await until(() => stopsIn(bSent) > bStops, 'bob\'s page to say he stopped typing');
  await until(async () => (await typingLine(a)) === '', 'bob\'s typing line to go');
  await typeUntil(a, 'and now I am typing ', async () => (await typingLine(b)) === 'alice is typing...', 'bob sees alice typing');
  const aStops = stopsIn(aSent);
  await a.locator('#composer-input').fill('');
  await until(() => stopsIn(aSent) > aStops, 'alice\'s page to say she stopped typing');
  await until(async () => (await b.locator('#typing').textContent()) === '', 'alice\'s typing line to go');

  // bob looks at a room of his own: alice's next message reaches his browser (delivered) but he has not read it.
  const notes = await createRoom(b, 'bob-notes');
  assert.notEqual(notes, general);
  await send(a, 'are you there?');
  const mine = messageByText(a, 'are you there?');
  await mine.locator('.status[data-status="delivered"]').waitFor();
  await b.locator(`#sidebar button[data-room="${general}"] .badge[data-unread="1"]`).waitFor();
  await until(async () => (await b.title()) === '(1) Parley', 'bob\'s tab title to count the unread message');
  assert.equal(await mine.locator('.status').getAttribute('data-status'), 'delivered');
  // He opens #general: alice sees it read.
  await openRoom(b, general);
  await mine.locator('.status[data-status="read"]').waitFor();
  await until(async () => (await b.title()) === 'Parley', 'bob\'s tab title to clear');

  // alice moves to another room; bob mentions her in #general: she is notified there.
  const random = await createRoom(a, 'random');
  assert.equal(await roomIdOf(a), random);
  await b.locator('#composer-input').fill('@al');
  await b.locator('#mention-list [role="option"]', { hasText: '@alice' }).waitFor();
  await b.locator('#composer-input').press('Tab');
  assert.equal(await b.locator('#composer-input').inputValue(), '@alice ');
  await b.locator('#composer-input').pressSequentially('can you look at the deploy?');
  await b.locator('#composer-input').press('Enter');
  await a.locator('.toast.notification', { hasText: 'bob mentioned you in #general' }).waitFor();
  await until(async () => (await a.locator('#inbox-count').textContent()) === '1', 'alice\'s inbox count');
  await until(() => a.evaluate(() => window.__shown.join('\n')), 'a desktop notification');
  assert.deepEqual(await a.evaluate(() => window.__shown), ['bob mentioned you in #general | @alice can you look at the deploy?']);
  await a.locator(`#sidebar button[data-room="${general}"] .badge.mention[data-mentions="1"]`).waitFor();
  await openRoom(a, general);
  await a.locator('#timeline article.mentions-me', { hasText: 'can you look at the deploy?' }).waitFor();
  assert.equal(await a.locator('#timeline article.mentions-me .mention.me').textContent(), '@alice');

  // alice shares a file of random bytes; bob downloads it from its link.
  const bytes = randomBytes(300 * 1024 + 123);
  await a.locator('#file-input').setInputFiles({ name: 'random.bin', mimeType: 'application/octet-stream', buffer: bytes });
  await a.locator('#timeline article[data-seq] .file-link', { hasText: 'random.bin' }).waitFor();
  const link = b.locator('#timeline article[data-seq] .file-link', { hasText: 'random.bin' });
  await link.waitFor();
  const [download] = await Promise.all([b.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'random.bin');
  const got = readFileSync(await download.path());
  assert.equal(got.length, bytes.length);
  assert.equal(sha256(got), sha256(bytes));

  // An image shows as a preview (served with the cookie, allowed by the CSP).
  await a.locator('#file-input').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png(40, 30, () => [0x5c, 0x5c, 0x5c]) });
  const img = b.locator('#timeline article[data-seq] .file img[alt="dot.png"]');
  await img.waitFor();
  await until(() => img.evaluate((el) => el.complete && el.naturalWidth === 40), 'bob\'s preview of dot.png to load');

  // Still the one desktop notification, now that everything after the mention has come and gone.
  assert.equal((await a.evaluate(() => window.__shown)).length, 1, 'one desktop notification for one mention');
  assert.deepEqual(alice.problems, []);
  assert.deepEqual(bob.problems, []);
});
