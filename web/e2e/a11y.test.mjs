// Scenario 5: axe-core in the real page on the main screens: the login screen (empty, then with an error), a room
// with messages (own and others', a mention, a reply, a /me line, a link, an image and a file, a reaction), the room
// with its message toolbar and with @-completion open, the Ctrl+K switcher, the room browser and the account dialog
// (with a blocked user); at 375 px also the sidebar drawer and the members overlay. An invitation waits in the
// sidebar throughout. Each at 1280 px and 375 px wide, in the light and the
// dark colour scheme. Any violation of impact "serious" or "critical" fails the test (every one is printed with the
// rule, the impact, the help text and the nodes' selectors); minor and moderate ones are summed up on one line per
// screen.
//
// The page's CSP allows no inline script, so axe's source goes in through page.evaluate (DevTools evaluation is
// not subject to the page's CSP), not a script tag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { nodeAndBrowser, openUser, until, waitOnline, messageByText } from './lib.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = 'correct horse';
// A 4 x 4 blue PNG (the node serves PNGs inline, so the client shows a preview with its alt text).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGOwjr4NRwzEcQBN8hcRanNdYgAAAABJRU5ErkJggg==', 'base64');

let node;
let browser;

nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

const call = (token, method, path, body) => node.call(token, method, path, body);

const user = (name) => node.user(name, PASSWORD);

let n = 0;
const say = (token, room, text, extra = {}) =>
  call(token, 'POST', `/api/v1/rooms/${encodeURIComponent(room)}/messages`, { clientMsgId: 'a11y-' + n++, text, ...extra });

async function upload(token, room, name, type, body) {
  const res = await fetch(`${node.url}/api/v1/rooms/${encodeURIComponent(room)}/files?name=${encodeURIComponent(name)}&clientMsgId=a11y-${n++}`, {
    method: 'POST', headers: { Authorization: 'Bearer ' + token, 'Content-Type': type }, body,
  });
  assert.equal(res.status, 201, `upload of ${name}: ${res.status} ${await res.text()}`);
}

/** alice's world: a room where everyone talks, a room with a mention of her she has not read, a DM. */
async function seed() {
  const alice = await user('alice');
  const bob = await user('bob');
  const carol = await user('carol');
  const room = (await call(alice, 'POST', '/api/v1/rooms', { name: 'design-review' })).id;
  await call(alice, 'PATCH', `/api/v1/rooms/${room}`, { topic: 'Weekly design review · Thursdays 10:00' });
  await call(bob, 'POST', `/api/v1/rooms/${room}/join`, {});
  await call(carol, 'POST', `/api/v1/rooms/${room}/join`, {});
  await say(alice, room, 'Morning! The new onboarding flow is up on staging.');
  await say(bob, room, 'Nice. I went through it on my phone: the second step feels long.');
  const ask = await say(carol, room, '@alice can we drop the avatar upload from step 2? Most people skip it: https://example.org/funnel');
  await say(alice, room, 'Good call, moving it to settings.', { replyTo: ask.seq });
  await upload(bob, room, 'signups-by-step.png', 'image/png', PNG);
  await upload(carol, room, 'release-notes.txt', 'text/plain', Buffer.from('Release notes\n- onboarding in two steps\n'));
  await say(bob, room, '/me is drafting the release notes');
  const last = await say(alice, room, 'Shipping it tomorrow then https://example.org/release');
  await call(bob, 'POST', `/api/v1/rooms/${room}/read`, { seq: last.seq });
  await call(carol, 'POST', `/api/v1/rooms/${room}/read`, { seq: last.seq });
  const random = (await call(bob, 'POST', '/api/v1/rooms', { name: 'random' })).id;
  await call(alice, 'POST', `/api/v1/rooms/${random}/join`, {});
  await call(carol, 'POST', `/api/v1/rooms/${random}/join`, {});
  await say(bob, random, 'anyone up for lunch at 12:30?');
  await say(carol, random, '@alice are you coming?');
  const dm = (await call(carol, 'POST', '/api/v1/dms/alice')).id;
  await say(carol, dm, 'do you have a minute after the review?');
  // erin shares no room with alice: her group DM is an invitation. alice blocks mallory.
  const erin = await user('erin');
  await user('frank');
  await user('mallory');
  await call(erin, 'POST', '/api/v1/dms', { usernames: ['alice', 'frank'] });
  await call(alice, 'POST', '/api/v1/me/blocks/mallory');
  return { room };
}

/** Runs axe in the page; returns {serious, minor}: the violations by impact. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = res.violations.filter((v) => !serious.includes(v));
  return { serious, minor };
}

const failures = [];
const results = [];

/** Scans the page as it is now, as `screen`; records and prints what axe says. */
async function scan(page, screen) {
  const { serious, minor } = await axe(page);
  const count = (vs) => vs.reduce((s, v) => s + v.nodes.length, 0);
  const minorLine = minor.length ? minor.map((v) => `${v.id} (${v.impact}) x${v.nodes.length}`).join(', ') : 'none';
  console.log(`axe ${screen}: ${count(serious)} serious/critical; minor/moderate: ${minorLine}`);
  results.push({ screen, serious: count(serious), minor: count(minor) });
  for (const v of serious) {
    const lines = [`  ${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]`];
    for (const nd of v.nodes) {
      const why = [...nd.any, ...nd.all, ...nd.none].map((c) => c.message).filter(Boolean)[0] || '';
      lines.push(`    ${nd.target.join(' >> ')}${why ? ': ' + why : ''}`, `      ${nd.html.slice(0, 300)}`);
    }
    console.log(lines.join('\n'));
    failures.push({ screen, rule: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((nd) => nd.target.join(' >> ')) });
  }
}

/** Moves the pointer onto the room's title, where hovering changes no colour. */
async function restPointer(page) {
  await page.locator('#room-title').hover();
}

async function logIn(page) {
  await page.locator('#auth-username').fill('alice');
  await page.locator('#auth-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await waitOnline(page);
}

async function closeDialog(page, id) {
  await page.locator(`#${id}`).getByRole('button', { name: 'Close', exact: true }).last().click();
  await until(() => page.locator(`#${id}`).evaluate((d) => !d.open), `#${id} to close`);
}

test('axe-core: no serious or critical violation on the main screens, 1280 and 375 px, light and dark', async () => {
  const { room } = await seed();
  let reacted = false;

  for (const colorScheme of ['light', 'dark']) {
    for (const [width, height] of [[1280, 800], [375, 812]]) {
      const tag = `${width} px, ${colorScheme}`;
      const { page, context, problems } = await openUser(browser, node, { width, height, colorScheme });
      page.on('dialog', (d) => d.dismiss());

      // The login screen, empty and with an error.
      await page.locator('#auth-username').waitFor();
      await scan(page, `login, ${tag}`);
      await page.locator('#auth-username').fill('nobody');
      await page.locator('#auth-password').fill('not the password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await until(async () => ((await page.locator('#auth-error').textContent()) || '').trim(), 'the login error');
      await scan(page, `login with an error, ${tag}`);

      // The room, once everything in it has arrived.
      await logIn(page);
      await page.evaluate((id) => { location.hash = '#room=' + encodeURIComponent(id); }, room);
      await until(async () => (await page.locator('#room-title').textContent()) === '# design-review', 'the room to open');
      await messageByText(page, 'Shipping it tomorrow').waitFor();
      await until(() => page.locator('#timeline .file img').evaluate((el) => el.complete && el.naturalWidth === 4), 'the image preview');
      await page.locator('#timeline .file-link', { hasText: 'release-notes.txt' }).waitFor();
      await page.locator('#timeline .status[data-status="read"]').first().waitFor();
      await page.locator('#timeline .reply-quote').first().waitFor();
      await page.locator('#sidebar .badge.mention').first().waitFor({ state: 'attached' });
      await page.locator('#invite-list .invite').first().waitFor({ state: 'attached' });
      if (width === 1280) await until(async () => (await page.locator('#member-list .member').count()) === 3, 'the three members');
      if (!reacted) {
        const msg = messageByText(page, 'Morning! The new onboarding flow');
        await msg.hover();
        await msg.getByRole('button', { name: 'React' }).click();
        await page.locator('#dlg-react').getByRole('button', { name: 'React with 🎉' }).click();
        reacted = true;
      }
      await page.locator('#timeline .chip').first().waitFor();
      await restPointer(page);
      await scan(page, `room, ${tag}`);

      // A message's toolbar (shown on hover), and @-completion.
      const others = messageByText(page, 'the second step feels long');
      await others.hover();
      await others.getByRole('button', { name: 'Reply' }).waitFor();
      await scan(page, `room with a message toolbar, ${tag}`);
      await restPointer(page);
      await page.locator('#composer-input').fill('Thanks all, notes coming @bo');
      await page.locator('#mention-list [role="option"]').first().waitFor();
      await scan(page, `room with @-completion, ${tag}`);
      await page.locator('#composer-input').fill('');
      await page.locator('#mention-list').waitFor({ state: 'hidden' });

      if (width === 375) {
        await page.getByRole('button', { name: 'Rooms' }).click();
        await page.locator('#sidebar button[data-room]').first().waitFor();
        await scan(page, `sidebar drawer, ${tag}`);
        await page.keyboard.press('Escape');
        await page.locator('#sidebar').waitFor({ state: 'hidden' });
        await page.locator('#members-toggle').click();
        await until(async () => (await page.locator('#member-list .member').count()) === 3, 'the members overlay');
        await scan(page, `members overlay, ${tag}`);
        // The overlay covers the toggle; Esc closes it.
        await page.keyboard.press('Escape');
        await page.locator('#members').waitFor({ state: 'hidden' });
      }

      // Ctrl+K.
      await page.locator('#composer-input').focus();
      await page.keyboard.press('Control+k');
      await page.locator('#switch-list [role="option"]').first().waitFor();
      await scan(page, `room switcher, ${tag}`);
      await page.keyboard.press('Escape');
      await until(() => page.locator('#dlg-switch').evaluate((d) => !d.open), 'the switcher to close');

      // The room browser (at 375 px its button is in the drawer).
      if (width === 375) await page.getByRole('button', { name: 'Rooms' }).click();
      await page.locator('#browse-btn').click();
      await page.locator('#browse-list .browse-item').first().waitFor();
      await scan(page, `room browser, ${tag}`);
      await closeDialog(page, 'dlg-browse');

      // The account dialog, with its sessions and the close-account part open.
      await page.locator('#account-btn').click();
      await page.locator('#session-list .session').first().waitFor();
      await page.locator('#block-list .blocked', { hasText: 'mallory' }).waitFor();
      await page.locator('#dlg-account summary').click();
      await page.locator('#close-password').waitFor();
      await scan(page, `account dialog, ${tag}`);
      await closeDialog(page, 'dlg-account');

      assert.deepEqual(problems, [], `console errors on ${tag}`);
      await context.close();
    }
  }

  console.log(`axe: ${results.length} screens scanned, ${results.reduce((s, r) => s + r.serious, 0)} serious/critical nodes, `
    + `${results.reduce((s, r) => s + r.minor, 0)} minor/moderate nodes`);
  const rules = [...new Set(failures.map((f) => `${f.rule} (${f.impact})`))];
  assert.deepEqual(failures, [], `axe found serious or critical violations (${rules.join(', ')}) on `
    + `${new Set(failures.map((f) => f.screen)).size} screens; each is printed above with its nodes`);
});
