// Scenario (issue 65): two clients, one conversation. What a newcomer trips over when the same people use the page,
// a second device and the terminal (here "the terminal" is the API, called by the test with the user's token):
// a newcomer shows online in the owner's member list at once; a room left or joined elsewhere goes from or comes to
// the open tab, which then says so in words; a reaction sent as :tada: and one picked in the page are one 🎉 chip;
// a DM shows no join lines; an unsent line waits in its room across switches and reloads; on a phone the drawer
// dims the page, keyboard hints go, and the reaction picker is a popover beside the message; a mention read on the
// phone clears the tab's Mentions count and the room's badge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nodeAndBrowser, openUser, signUp, createRoom, openRoom, send, until, roomIdOf, messageByText, waitOnline,
} from './lib.mjs';

const PASSWORD = 'correct horse';

let node;
let browser;

nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

const api = (token, method, path, body) => node.call(token, method, path, body);
const login = async (username) => (await api(null, 'POST', '/api/v1/auth/login', { username, password: PASSWORD })).token;
const sidebarItem = (page, id) => page.locator(`#sidebar button[data-room="${id}"]`);

/** One frame on a WebSocket of the page's own session (reactions have no HTTP call): the node's answer to it. */
function rawFrame(page, frame) {
  return page.evaluate((f) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/ws`);
    const deadline = setTimeout(() => { ws.close(); reject(new Error('no answer to ' + f.type)); }, 30000);
    ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.type === 'hello') ws.send(JSON.stringify(f));
      else if ((m.type === 'ack' && m.clientMsgId === f.clientMsgId) || (m.type === 'error' && m.ref === f.clientMsgId)) {
        clearTimeout(deadline);
        ws.close();
        resolve(m);
      }
    };
    ws.onerror = () => { clearTimeout(deadline); reject(new Error('the socket failed')); };
  }), frame);
}

test('a newcomer who joins while the owner looks: listed and online at once, no reload', async () => {
  const olga = await openUser(browser, node);
  const o = olga.page;
  await signUp(o, 'olga', PASSWORD);
  const staff = await createRoom(o, 'staff');
  await o.locator('#member-list .member[aria-label="olga, owner, online"]').waitFor();

  const nina = await openUser(browser, node);
  const n = nina.page;
  await signUp(n, 'nina', PASSWORD);
  await n.locator('#browse-btn').click();
  await n.locator('#join-id').fill(staff);
  await n.locator('#join-btn').click();
  await until(async () => (await n.locator('#room-title').textContent()) === '# staff', 'nina to be in the room');
  await send(n, 'hi olga, nina here');

  await messageByText(o, 'hi olga, nina here').waitFor();
  await o.locator('#member-list .member[aria-label="nina, online"]').waitFor();
  await until(async () => (await o.locator('#members-toggle').textContent()) === '2 members · 2 online',
    'the header to count nina online');
  assert.equal(await o.locator('#member-list .last-seen').count(), 0, 'nobody shows as never seen');

  // On a slow network: olga opens the room again, and its read, asked before omar joins, is answered after he did
  // and wrote. What the read says is older than his join: he stays listed, online.
  await createRoom(o, 'lobby');
  let release;
  const released = new Promise((r) => { release = r; });
  let held = null;
  const roomRead = (url) => url.pathname === `/api/v1/rooms/${staff}`;
  await o.route(roomRead, async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    const response = await route.fetch();
    held = response;
    await released;
    // Marked, so that the page shows when it has taken this answer in: its topic is drawn with its members.
    await route.fulfill({ response, json: { ...(await response.json()), topic: 'as the held read said' } });
  });
  const omar = await openUser(browser, node);
  await signUp(omar.page, 'omar', PASSWORD);
  await openRoom(o, staff);
  await until(() => held, 'the room\'s read to be answered and held');
  await api(await login('omar'), 'POST', `/api/v1/rooms/${staff}/join`, {});
  await omar.page.locator(`#sidebar button[data-room="${staff}"]`).waitFor();
  await omar.page.locator(`#sidebar button[data-room="${staff}"]`).click();
  await send(omar.page, 'omar here too');
  await messageByText(o, 'omar here too').waitFor();
  release();
  // The held answer is taken in and drawn (its topic shows): omar, whom it does not name, is still listed, online.
  await until(async () => (await o.locator('#room-topic').textContent()) === 'as the held read said',
    'olga\'s page to draw the held read');
  await o.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await o.locator('#member-list .member[aria-label="omar, online"]').count(), 1,
    'omar listed, online, after the older read');
  await until(async () => (await o.locator('#members-toggle').textContent()) === '3 members · 3 online',
    'the header to count omar online');
  await o.unroute(roomRead);
  assert.equal(await roomIdOf(o), staff);
  assert.deepEqual(olga.problems, []);
  assert.deepEqual(nina.problems, []);
  assert.deepEqual(omar.problems, []);
  await olga.context.close();
  await nina.context.close();
  await omar.context.close();
});

test('rooms left and joined on another device go from and come to the open tab; DMs show no join lines', async () => {
  const olgaToken = await login('olga');
  const beta = (await api(olgaToken, 'POST', '/api/v1/rooms', { name: 'beta' })).id;
  const gamma = (await api(olgaToken, 'POST', '/api/v1/rooms', { name: 'gamma' })).id;
  const alice = await openUser(browser, node);
  const a = alice.page;
  await signUp(a, 'alice', PASSWORD);
  // Every toast the tab shows, kept for the end (a toast goes after a few seconds).
  await a.evaluate(() => {
    window.toastsSeen = [];
    new MutationObserver((changes) => {
      for (const c of changes) for (const n of c.addedNodes) window.toastsSeen.push(n.textContent);
    }).observe(document.getElementById('toasts'), { childList: true });
  });
  const alpha = await createRoom(a, 'alpha');
  const terminal = await login('alice');

  // Joined in the terminal: the room shows in the tab.
  await api(terminal, 'POST', `/api/v1/rooms/${beta}/join`, {});
  await sidebarItem(a, beta).waitFor();
  assert.equal((await sidebarItem(a, beta).textContent()).includes('beta'), true);
  await openRoom(a, beta);
  await a.locator('#composer-input').fill('a line I had not sent');

  // Left in the terminal while the tab has it open: it goes, and the tab says so, by name, with nowhere to type.
  await api(terminal, 'POST', `/api/v1/rooms/${beta}/leave`);
  await until(async () => (await sidebarItem(a, beta).count()) === 0, 'beta to go from the sidebar');
  await a.locator('#empty-notice', { hasText: 'You left #beta on another device' }).waitFor();
  assert.equal(await a.locator('#room-view').isHidden(), true, 'no composer of a room the user is not in');
  assert.equal(await a.locator('#empty-title').textContent(), 'Pick a conversation');
  assert.ok(!(await a.evaluate(() => document.body.innerText)).includes(beta), 'the room id is shown nowhere');
  assert.equal(await roomIdOf(a), '', 'the address names no room');

  // Another room joined and left in the terminal while the tab shows alpha.
  await openRoom(a, alpha);
  await api(terminal, 'POST', `/api/v1/rooms/${gamma}/join`, {});
  await sidebarItem(a, gamma).waitFor();
  await api(null, 'POST', '/api/v1/auth/signup', { username: 'carol', password: PASSWORD });
  await api(await login('carol'), 'POST', `/api/v1/rooms/${gamma}/join`, {});

  // olga, who shares gamma with alice, opens a DM and a group with her: no "joined" lines in either.
  const dm = (await api(olgaToken, 'POST', '/api/v1/dms/alice')).id;
  await api(olgaToken, 'POST', `/api/v1/rooms/${dm}/messages`, { clientMsgId: 'o-1', text: 'psst, alice' });
  const group = (await api(olgaToken, 'POST', '/api/v1/dms', { usernames: ['alice', 'carol'] })).id;
  await api(olgaToken, 'POST', `/api/v1/rooms/${group}/messages`, { clientMsgId: 'o-2', text: 'hello both' });
  await sidebarItem(a, dm).waitFor();
  await sidebarItem(a, group).waitFor();
  await openRoom(a, dm);
  await messageByText(a, 'psst, alice').waitFor();
  assert.equal(await a.locator('#timeline .sys', { hasText: 'joined' }).count(), 0, 'no join lines in a DM');
  await openRoom(a, group);
  await messageByText(a, 'hello both').waitFor();
  assert.equal(await a.locator('#timeline .sys', { hasText: 'joined' }).count(), 0, 'no join lines in a group');
  // A room keeps them.
  await openRoom(a, gamma);
  await a.locator('#timeline .sys', { hasText: 'carol joined' }).waitFor();

  await openRoom(a, alpha);
  await api(terminal, 'POST', `/api/v1/rooms/${gamma}/leave`);
  await until(async () => (await sidebarItem(a, gamma).count()) === 0, 'gamma to go from the sidebar');
  assert.equal(await roomIdOf(a), alpha, 'the room in view stays');

  const toasts = await a.evaluate(() => window.toastsSeen);
  assert.deepEqual(toasts.filter((t) => t.includes(beta) || t.includes(gamma) || /member of/.test(t)), [],
    `no toast names a room by its id or tells of frames that crossed the leave (${toasts.join(' | ')})`);

  // After a reload the tab holds the same rooms, and nothing of beta's draft.
  await a.reload();
  await waitOnline(a);
  await sidebarItem(a, alpha).waitFor();
  assert.equal(await sidebarItem(a, beta).count(), 0);
  assert.equal(await sidebarItem(a, gamma).count(), 0);
  assert.equal(await a.evaluate(() => localStorage.getItem('parley.drafts.alice')), null);
  assert.deepEqual(alice.problems, []);
  await alice.context.close();
});

test('a reaction sent as :tada: and 🎉 picked in the page are one chip; the picker offers emoji only', async () => {
  const dan = await openUser(browser, node);
  const d = dan.page;
  await signUp(d, 'dan', PASSWORD);
  const room = await createRoom(d, 'reacts');
  const eve = await openUser(browser, node);
  await signUp(eve.page, 'eve', PASSWORD);
  const eveToken = await login('eve');
  await api(eveToken, 'POST', `/api/v1/rooms/${room}/join`, {});
  const m = await api(eveToken, 'POST', `/api/v1/rooms/${room}/messages`, { clientMsgId: 'e-1', text: 'shipped it' });
  const msg = messageByText(d, 'shipped it');
  await msg.waitFor();

  await msg.hover();
  await msg.getByRole('button', { name: 'React' }).click();
  const choices = await d.locator('#react-choices button').allTextContents();
  assert.ok(choices.length >= 6, choices.join(' '));
  for (const c of choices) assert.doesNotMatch(c, /:/, `the picker offers ${c}`);
  await d.locator('#dlg-react').getByRole('button', { name: 'React with 🎉' }).click();
  await msg.locator('.chip', { hasText: '🎉' }).waitFor();

  const answer = await rawFrame(eve.page, { type: 'react', room, seq: m.seq, emoji: ':tada:', clientMsgId: 'e-react-1' });
  assert.equal(answer.type, 'ack');
  await until(async () => (await msg.locator('.chip').allTextContents()).join('|') === '🎉 2', 'one 🎉 chip of two');
  assert.equal(await msg.locator('.chip').getAttribute('aria-label'), '🎉 2, by dan, eve');

  // An unknown shortcode typed in the picker is refused in words.
  await msg.hover();
  await msg.getByRole('button', { name: 'React' }).click();
  await d.locator('#react-custom').fill(':no_such_code:');
  await d.locator('#react-custom').press('Enter');
  await d.locator('#toasts .toast', { hasText: 'not an emoji' }).waitFor();
  assert.equal(await msg.locator('.chip').count(), 1);
  assert.deepEqual(dan.problems, []);
  await dan.context.close();
  await eve.context.close();
});

test('an unsent line waits in its room across room switches and a reload, and goes when sent', async () => {
  const dora = await openUser(browser, node);
  const p = dora.page;
  await signUp(p, 'dora', PASSWORD);
  const one = await createRoom(p, 'one');
  const two = await createRoom(p, 'two');
  const input = p.locator('#composer-input');
  await input.fill('for two, later');
  await openRoom(p, one);
  assert.equal(await input.inputValue(), '');
  await input.fill('for one, later');
  await openRoom(p, two);
  assert.equal(await input.inputValue(), 'for two, later');

  await p.reload();
  await waitOnline(p);
  await until(async () => (await roomIdOf(p)) === two, 'the tab to open two again');
  await until(async () => (await input.inputValue()) === 'for two, later', 'two\'s draft after the reload');
  await openRoom(p, one);
  assert.equal(await input.inputValue(), 'for one, later');
  await input.press('Enter');
  await messageByText(p, 'for one, later').waitFor();
  assert.equal(await input.inputValue(), '');

  await p.reload();
  await waitOnline(p);
  await until(async () => (await roomIdOf(p)) === one, 'the tab to open one again');
  await messageByText(p, 'for one, later').waitFor();
  assert.equal(await input.inputValue(), '', 'a sent line is no draft');
  await openRoom(p, two);
  assert.equal(await input.inputValue(), 'for two, later');
  assert.deepEqual(dora.problems, []);
  await dora.context.close();
});

test('on a phone: the drawer dims the page and a tap there closes it, no key hints, the picker beside the message', async () => {
  const pat = await openUser(browser, node, { width: 375, height: 812 });
  const p = pat.page;
  await signUp(p, 'pat', PASSWORD);
  // At this width the room buttons are in the drawer.
  await p.locator('#nav-toggle').click();
  await createRoom(p, 'pocket');
  for (let i = 1; i <= 6; i++) await send(p, `line ${i}`);
  await messageByText(p, 'line 6').waitFor();

  await p.locator('#nav-toggle').click();
  await p.locator('#sidebar button[data-room]').first().waitFor();
  assert.equal(await p.locator('#nav-backdrop').isVisible(), true, 'the page behind the drawer is dimmed');
  assert.equal(await p.locator('#sidebar .hint').isVisible(), false, 'no keyboard hints on a phone');
  await p.mouse.click(360, 500);
  await p.locator('#sidebar').waitFor({ state: 'hidden' });
  assert.equal(await p.locator('#nav-backdrop').isVisible(), false);

  const msg = messageByText(p, 'line 3');
  await msg.hover();
  await msg.getByRole('button', { name: 'React' }).click();
  const dlg = p.locator('#dlg-react');
  await until(() => dlg.evaluate((el) => el.open), 'the picker to open');
  assert.equal(await dlg.evaluate((el) => el.matches(':modal')), false, 'a popover, not a modal');
  const box = await dlg.boundingBox();
  const at = await msg.boundingBox();
  assert.ok(box.width <= 375 - 16 && box.height < 812 / 2, `a small popover (${box.width}x${box.height})`);
  assert.ok(box.x >= 0 && box.x + box.width <= 375 && box.y >= 0 && box.y + box.height <= 812, 'inside the screen');
  assert.ok(box.y < at.y + at.height + 8 + box.height && box.y + box.height > at.y - 8 - box.height,
    `beside the message (popover ${box.y}..${box.y + box.height}, message ${at.y}..${at.y + at.height})`);
  // Esc closes it; a tap elsewhere too; a choice reacts.
  await p.keyboard.press('Escape');
  await until(() => dlg.evaluate((el) => !el.open), 'Esc to close the picker');
  await msg.hover();
  await msg.getByRole('button', { name: 'React' }).click();
  await until(() => dlg.evaluate((el) => el.open), 'the picker to open again');
  await p.mouse.click(200, 60);
  await until(() => dlg.evaluate((el) => !el.open), 'a tap elsewhere to close the picker');
  await msg.hover();
  await msg.getByRole('button', { name: 'React' }).click();
  await dlg.getByRole('button', { name: 'React with 👍' }).click();
  await msg.locator('.chip', { hasText: '👍' }).waitFor();
  assert.equal(await dlg.evaluate((el) => el.open), false);
  assert.deepEqual(pat.problems, []);
  await pat.context.close();
});

test('a mention read on the phone clears the Mentions count and the room\'s badge in the open tab', async () => {
  const mona = await openUser(browser, node);
  const m = mona.page;
  await signUp(m, 'mona', PASSWORD);
  await createRoom(m, 'quiet');
  const pete = await node.user('pete', PASSWORD);
  const phone = await login('mona');
  const ops = (await api(pete, 'POST', '/api/v1/rooms', { name: 'ops' })).id;
  await api(phone, 'POST', `/api/v1/rooms/${ops}/join`, {});
  await sidebarItem(m, ops).waitFor();
  const { seq } = await api(pete, 'POST', `/api/v1/rooms/${ops}/messages`, { clientMsgId: 'p1', text: '@mona the deploy is done' });
  await until(async () => (await m.locator('#inbox-count').textContent()) === '1', 'the Mentions count');
  await m.locator(`#sidebar button[data-room="${ops}"] .badge[data-unread="1"]`).waitFor();
  // Read on the phone: the tab's counts clear at once, with no reload and no visit to the inbox.
  await api(phone, 'POST', `/api/v1/rooms/${ops}/read`, { seq });
  await until(async () => await m.locator('#inbox-count').isHidden(), 'the Mentions count to clear');
  await until(async () => (await m.locator(`#sidebar button[data-room="${ops}"] .badge`).count()) === 0, 'the room\'s badge to clear');
  assert.deepEqual(mona.problems, []);
});
