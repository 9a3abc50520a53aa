// Scenario 3: the main screens as people see them, at 1280 px and 375 px wide (and the room in the dark theme),
// written to docs/images/web-*.png. The room is filled over HTTP with bearer tokens (as any client may), then
// alice logs in through the UI.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { nodeAndBrowser, openUser, until, REPO, waitOnline, messageByText, png } from './lib.mjs';

const OUT = join(REPO, 'docs', 'images');
let node;
let browser;

before(() => mkdirSync(OUT, { recursive: true }));
nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

const call = (token, method, path, body) => node.call(token, method, path, body);

const user = (name) => node.user(name, 'correct horse');

let n = 0;
const say = (token, room, text, extra = {}) => call(token, 'POST', `/api/v1/rooms/${encodeURIComponent(room)}/messages`, { clientMsgId: 'seed-' + n++, text, ...extra });

/** A 320 x 180 PNG: a few bars, as a chart someone would share. */
function chartPng() {
  const h = 180;
  const bars = [60, 110, 85, 140, 125, 160];
  return png(320, h, (x, y) => {
    const bar = Math.floor((x - 20) / 48);
    const inBar = x >= 20 && bar < bars.length && (x - 20) % 48 < 34 && h - y <= bars[bar];
    return inBar ? [59, 91, 219] : y === h - 1 || x === 19 ? [120, 120, 120] : [246, 247, 250];
  });
}

async function seed() {
  const alice = await user('alice');
  const bob = await user('bob');
  const carol = await user('carol');
  const room = await call(alice, 'POST', '/api/v1/rooms', { name: 'design-review' });
  const id = room.id;
  await call(alice, 'PATCH', `/api/v1/rooms/${id}`, { topic: 'Weekly design review · Thursdays 10:00' });
  await call(bob, 'POST', `/api/v1/rooms/${id}/join`, {});
  await call(carol, 'POST', `/api/v1/rooms/${id}/join`, {});
  const first = await say(alice, id, 'Morning! The new onboarding flow is up on staging.');
  await say(bob, id, 'Nice. I went through it on my phone: the second step feels long.');
  const ask = await say(carol, id, '@alice can we drop the avatar upload from step 2? Most people skip it.');
  await say(alice, id, 'Good call, moving it to settings.', { replyTo: ask.seq });
  const chart = chartPng();
  const res = await fetch(`${node.url}/api/v1/rooms/${id}/files?name=signups-by-step.png&clientMsgId=seed-file`, {
    method: 'POST', headers: { Authorization: 'Bearer ' + bob, 'Content-Type': 'image/png' }, body: chart,
  });
  assert.equal(res.status, 201);
  await say(bob, id, '/me is drafting the release notes');
  const last = await say(alice, id, 'Shipping it tomorrow then 🚀 https://example.org/release');
  // Reactions go over the socket in the protocol; the seed leaves them to the UI below.
  await call(bob, 'POST', `/api/v1/rooms/${id}/read`, { seq: last.seq });
  await call(carol, 'POST', `/api/v1/rooms/${id}/read`, { seq: last.seq });
  const random = await call(bob, 'POST', '/api/v1/rooms', { name: 'random' });
  await call(alice, 'POST', `/api/v1/rooms/${random.id}/join`, {});
  await call(carol, 'POST', `/api/v1/rooms/${random.id}/join`, {});
  await say(bob, random.id, 'anyone up for lunch at 12:30?');
  await say(carol, random.id, 'me!');
  const dm = await call(carol, 'POST', '/api/v1/dms/alice');
  await say(carol, dm.id, 'do you have a minute after the review?');
  return { id, first, alice };
}

async function logIn(page) {
  await page.locator('#auth-username').fill('alice');
  await page.locator('#auth-password').fill('correct horse');
  await page.getByRole('button', { name: 'Log in' }).click();
  await waitOnline(page);
}

test('screens: login and a room at 1280 px and 375 px, and the room in the dark theme', async () => {
  const { id, first, alice } = await seed();
  // The search screen needs the index to hold the seed's lines.
  await until(async () => (await call(alice, 'GET', '/api/v1/search?q=step')).hits.length === 3, 'the index to hold the seed', 120000);
  const shots = [];
  const shoot = async (page, name) => {
    const path = join(OUT, `web-${name}.png`);
    await page.screenshot({ path });
    shots.push(path);
  };

  for (const [width, height] of [[1280, 800], [375, 812]]) {
    const { page, context, problems } = await openUser(browser, node, { width, height });
    await page.locator('#auth-username').waitFor();
    await shoot(page, `login-${width}`);
    await logIn(page);
    await page.evaluate((room) => { location.hash = '#room=' + encodeURIComponent(room); }, id);
    await until(async () => (await page.locator('#room-title').textContent()) === '# design-review', 'the room to open');
    await messageByText(page, 'Shipping it tomorrow').waitFor();
    await until(() => page.locator('#timeline .file img').evaluate((el) => el.complete && el.naturalWidth === 320), 'the chart preview');
    await page.locator('#timeline .status[data-status="read"]').first().waitFor();
    if (width === 1280) {
      // A reaction, through the UI's own dialog.
      const msg = messageByText(page, 'Morning! The new onboarding flow');
      await msg.hover();
      await msg.getByRole('button', { name: 'React' }).click();
      await page.locator('#dlg-react').getByRole('button', { name: 'React with 🎉' }).click();
      await page.locator(`#timeline article[data-seq="${first.seq}"] .chip`).waitFor();
      await page.locator('#composer-input').fill('Thanks all, notes coming @bo');
      await page.locator('#mention-list').waitFor();
    }
    await page.mouse.move(0, height - 1);
    await shoot(page, `room-${width}`);
    if (width === 1280) {
      await page.locator('#composer-input').fill('');
      await page.keyboard.press('Control+k');
      await page.locator('#switch-q').fill('step in:design-review');
      await until(async () => (await page.locator('#switch-list .search-hit').count()) === 3, 'the hits for step (two lines and a file name)');
      await shoot(page, 'search-1280');
      await page.keyboard.press('Escape');
    }
    if (width === 375) {
      await page.getByRole('button', { name: 'Rooms' }).click();
      await page.locator('#sidebar button[data-room]').first().waitFor();
      await shoot(page, 'sidebar-375');
    }
    assert.deepEqual(problems, []);
    await context.close();
  }

  const dark = await openUser(browser, node, { width: 1280, height: 800, colorScheme: 'dark' });
  await logIn(dark.page);
  await dark.page.evaluate((room) => { location.hash = '#room=' + encodeURIComponent(room); }, id);
  await messageByText(dark.page, 'Shipping it tomorrow').waitFor();
  await until(() => dark.page.locator('#timeline .file img').evaluate((el) => el.complete && el.naturalWidth === 320), 'the chart preview');
  await dark.page.mouse.move(0, 799);
  await shoot(dark.page, 'room-dark-1280');
  assert.deepEqual(dark.problems, []);
  await dark.context.close();
  console.log(shots.join('\n'));
});
