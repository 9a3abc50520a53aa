// Scenario 7: invitations and blocks across two tabs of one user. Strangers (people who share no room with alice)
// open group DMs with her: each is an invitation, shown in both of her tabs (one of them at 375 px). She accepts one
// with the keyboard in one tab and the room shows in both, with what the stranger writes in it; she declines another
// in the other tab and it goes from the first; she blocks a third sender, who then cannot reach her; the account
// dialog lists whom she blocks and unblocks them; a block in one tab folds the blocked user's messages in both. Also: the sessions the node signed out past its limit are listed,
// joining a passcode room asks for the passcode, and a private room is joined by an invitation from its room dialog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nodeAndBrowser, openUser, signUp, until, roomIdOf, messageByText, waitOnline, watch,
} from './lib.mjs';

const PASSWORD = 'correct horse';

let node;
let browser;

nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

const api = (token, method, path, body) => node.call(token, method, path, body);
const groupDm = async (token, usernames) => (await api(token, 'POST', '/api/v1/dms', { usernames })).id;
const invitesOf = async (token) => (await api(token, 'GET', '/api/v1/me/invites')).invites.map((i) => i.room.id);
const inviteItem = (page, text) => page.locator('#invite-list .invite', { hasText: text });
let aliceToken = null;
/** alice's read marker in a room, as the node has it. */
const aliceRead = async (room) => ((await api(aliceToken, 'GET', '/api/v1/me')).rooms.find((r) => r.id === room) || {}).readSeq || 0;

test('invitations in two tabs: accept, decline, block; blocked users in the account dialog', async () => {
  const alice = await openUser(browser, node);
  const t1 = alice.page;
  t1.on('dialog', (d) => d.accept());
  await signUp(t1, 'alice', PASSWORD);
  // The second tab shares the first one's cookie and storage, as a browser's tabs do; it is a phone-sized one.
  const t2 = await alice.context.newPage();
  const problems2 = [];
  watch(t2, problems2);
  t2.on('dialog', (d) => d.accept());
  await t2.setViewportSize({ width: 375, height: 812 });
  await t2.goto('/');
  await waitOnline(t2);
  // alice's token for the test's own questions to the node.
  aliceToken = (await api(null, 'POST', '/api/v1/auth/login', { username: 'alice', password: PASSWORD })).token;

  const sam = await node.user('sam', PASSWORD);
  const trent = await node.user('trent', PASSWORD);
  const mallory = await node.user('mallory', PASSWORD);
  const oscar = await node.user('oscar', PASSWORD);
  await node.user('carol', PASSWORD);

  // sam opens a group DM with alice and carol: alice is invited, in both tabs.
  const g1 = await groupDm(sam, ['alice', 'carol']);
  const text1 = 'sam invites you to alice, carol, sam';
  await inviteItem(t1, text1).waitFor();
  await until(async () => (await t2.locator('#nav-toggle').getAttribute('aria-label')) === 'Rooms, 1 invitation',
    'the narrow tab\'s drawer button to say there is an invitation');
  await t2.locator('#nav-toggle').click();
  await inviteItem(t2, text1).waitFor();
  assert.equal(await t1.locator(`#sidebar button[data-room="${g1}"]`).count(), 0, 'no room before the answer');

  // Accepted in the first tab with the keyboard: the invitations come right after the top bar in the tab order.
  await t1.locator('#account-btn').focus();
  await t1.keyboard.press('Tab');
  assert.equal(await t1.evaluate(() => document.activeElement.getAttribute('aria-label')),
    'Accept the invitation from sam to alice, carol, sam');
  await t1.keyboard.press('Enter');
  await until(async () => (await roomIdOf(t1)) === g1, 'the first tab to open the group');
  // Titled with who is in it: carol has not accepted (sam shares no room with her), so only sam.
  await until(async () => (await t1.locator('#room-title').textContent()) === '& sam', 'the group titled with its members');
  // The other tab shows the room too, and the invitation goes from both.
  await t2.locator(`#sidebar button[data-room="${g1}"]`).waitFor();
  await until(async () => (await inviteItem(t2, text1).count()) === 0 && (await inviteItem(t1, text1).count()) === 0,
    'the invitation to go from both tabs');
  assert.equal(await t2.locator('#invites').isHidden(), true);
  assert.equal(await t2.locator('#nav-toggle').getAttribute('aria-label'), 'Rooms');

  // sam writes into it: both tabs show the line. The first has the room open, so it is read there, and so in the
  // second too (the marker frame): no unread badge is left on it.
  const welcome = await api(sam, 'POST', `/api/v1/rooms/${g1}/messages`, { clientMsgId: 'sam-1', text: 'welcome, alice' });
  await messageByText(t1, 'welcome, alice').waitFor();
  await until(async () => (await aliceRead(g1)) >= welcome.seq
    && (await t2.locator(`#sidebar button[data-room="${g1}"] .badge`).count()) === 0, 'the line read in the first tab, so in the second');
  await t2.locator(`#sidebar button[data-room="${g1}"]`).click();
  await messageByText(t2, 'welcome, alice').waitFor();

  // trent invites her too. The second tab is reloaded: what came before its hello is read after it.
  const g2 = await groupDm(trent, ['alice', 'carol']);
  const text2 = 'trent invites you to alice, carol, trent';
  await inviteItem(t1, text2).waitFor();
  await t2.reload();
  await waitOnline(t2);
  await t2.locator('#nav-toggle').click();
  await t2.getByRole('button', { name: 'Decline the invitation from trent to alice, carol, trent' }).click();
  await until(async () => (await inviteItem(t1, text2).count()) === 0 && (await inviteItem(t2, text2).count()) === 0,
    'the declined invitation to go from both tabs');
  assert.equal(await t1.locator(`#sidebar button[data-room="${g2}"]`).count(), 0);
  assert.deepEqual(await invitesOf(aliceToken), []);
  const members = (await api(trent, 'GET', `/api/v1/rooms/${g2}`)).members.map((m) => m.username);
  assert.ok(!members.includes('alice'), `alice is not in trent's group (${members})`);

  // mallory invites her, and she blocks mallory from the invitation.
  await groupDm(mallory, ['alice', 'carol']);
  const text3 = 'mallory invites you to alice, carol, mallory';
  await inviteItem(t1, text3).waitFor();
  await inviteItem(t2, text3).waitFor();
  await t1.getByRole('button', { name: 'Block mallory' }).click();
  await until(async () => (await inviteItem(t1, text3).count()) === 0 && (await inviteItem(t2, text3).count()) === 0,
    'the blocked sender\'s invitation to go from both tabs');
  assert.deepEqual((await api(aliceToken, 'GET', '/api/v1/me/blocks')).blocks, ['mallory']);
  // What mallory opens next does not reach her; oscar's, opened after it, does.
  await groupDm(mallory, ['alice', 'trent']);
  await groupDm(oscar, ['alice', 'carol']);
  await inviteItem(t1, 'oscar invites you to alice, carol, oscar').waitFor();
  await inviteItem(t2, 'oscar invites you to alice, carol, oscar').waitFor();
  assert.equal(await t1.locator('#invite-list .invite').count(), 1);
  assert.equal((await invitesOf(aliceToken)).length, 1);

  // The account dialog lists whom she blocks: unblock mallory, block trent by name.
  await t1.locator('#account-btn').click();
  await t1.locator('#block-list li', { hasText: 'mallory' }).waitFor();
  await t1.getByRole('button', { name: 'Unblock mallory' }).click();
  await t1.locator('#block-list li', { hasText: 'Nobody is blocked' }).waitFor();
  assert.deepEqual((await api(aliceToken, 'GET', '/api/v1/me/blocks')).blocks, []);
  await t1.locator('#block-user').fill('trent');
  await t1.locator('#block-form').getByRole('button', { name: 'Block' }).click();
  await t1.getByRole('button', { name: 'Unblock trent' }).waitFor();
  assert.deepEqual((await api(aliceToken, 'GET', '/api/v1/me/blocks')).blocks, ['trent']);
  await t1.locator('#block-user').fill('nobody-here');
  await t1.locator('#block-form').getByRole('button', { name: 'Block' }).click();
  await until(async () => ((await t1.locator('#block-form .error').textContent()) || '').trim(), 'the refusal of an unknown name');
  // sam too, whose group both tabs show: the other tab learns it at once, and folds what he writes next.
  await t1.locator('#block-user').fill('sam');
  await t1.locator('#block-form').getByRole('button', { name: 'Block' }).click();
  await t1.getByRole('button', { name: 'Unblock sam' }).waitFor();
  await t1.locator('#dlg-account').getByRole('button', { name: 'Close', exact: true }).last().click();
  await api(sam, 'POST', `/api/v1/rooms/${g1}/messages`, { clientMsgId: 'sam-2', text: 'are you ignoring me' });
  // His welcome before the block is folded too; the user may show either.
  const folded = (tab) => tab.locator('#timeline article.folded').filter({ hasText: 'A message from someone you block' });
  for (const tab of [t1, t2]) {
    await until(async () => (await folded(tab).count()) === 2, 'both of sam\'s lines to be folded');
    assert.equal(await messageByText(tab, 'are you ignoring me').count(), 0, 'folded, not shown');
  }
  await folded(t1).last().getByRole('button', { name: 'Show' }).click();
  await messageByText(t1, 'are you ignoring me').waitFor();
  assert.equal(await folded(t1).count(), 1);

  assert.deepEqual(alice.problems, []);
  assert.deepEqual(problems2, []);
});

test('a sign-in past the session limit: the session it ended is listed as signed out', async () => {
  await node.call(null, 'POST', '/api/v1/auth/signup', { username: 'bob', password: PASSWORD });
  const first = await fetch(`${node.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'User-Agent': 'first-device/1.0' },
    body: JSON.stringify({ username: 'bob', password: PASSWORD }),
  });
  assert.equal(first.status, 200);
  for (let i = 1; i < 32; i++) await api(null, 'POST', '/api/v1/auth/login', { username: 'bob', password: PASSWORD });
  // The browser's login is the 33rd: the node ends the least recently used one, the first device's.
  const bob = await openUser(browser, node);
  const b = bob.page;
  await b.locator('#auth-username').fill('bob');
  await b.locator('#auth-password').fill(PASSWORD);
  await b.getByRole('button', { name: 'Log in' }).click();
  await waitOnline(b);
  await b.locator('#account-btn').click();
  const ended = b.locator('#session-list .session.ended', { hasText: 'first-device/1.0' });
  await ended.waitFor();
  assert.match(await ended.textContent(), /signed out: the account has 32 sessions, the limit/);
  assert.equal(await b.locator('#session-list .session:not(.ended)').count(), 32);
  assert.deepEqual(bob.problems, []);
});

test('passcodes: a join without one asks for it, a wrong one says so, a short one is refused on create', async () => {
  const owner = await node.user('olga', PASSWORD);
  const room = (await api(owner, 'POST', '/api/v1/rooms', { name: 'vault', passcode: 'open sesame' })).id;
  const dave = await openUser(browser, node);
  const d = dave.page;
  await signUp(d, 'dave', PASSWORD);
  const err = d.locator('#dlg-browse .error');

  // A passcode of 5 characters is refused with the node's words; the room is made without one.
  const input = d.locator('#composer-input');
  await d.getByRole('button', { name: 'New room' }).click();
  await d.locator('#create-name').fill('lobby');
  await d.locator('#create-passcode').fill('12345');
  await d.locator('#dlg-create').getByRole('button', { name: 'Create' }).click();
  await until(async () => /at least 6 characters/.test(await d.locator('#dlg-create .error').textContent()), 'passcode_too_short');
  await d.locator('#create-passcode').fill('');
  await d.locator('#dlg-create').getByRole('button', { name: 'Create' }).click();
  await until(async () => (await d.locator('#room-title').textContent()) === '# lobby', 'the room to open');
  // /join without a passcode: the room browser opens on the passcode field; a wrong one gets the node's words.
  await input.fill(`/join ${room}`);
  await input.press('Enter');
  await until(async () => /needs a passcode/.test(await err.textContent()), 'the passcode to be asked for');
  assert.equal(await d.locator('#join-id').inputValue(), room);
  assert.equal(await d.evaluate(() => document.activeElement.id), 'join-passcode');
  await d.locator('#join-passcode').fill('not it');
  await d.locator('#join-btn').click();
  await until(async () => (await err.textContent()) === 'that passcode does not open this room', 'the server\'s words');
  await d.locator('#join-passcode').fill('open sesame');
  await d.locator('#join-btn').click();
  await until(async () => (await d.locator('#room-title').textContent()) === '# vault', 'the passcode room to open');
  assert.deepEqual(dave.problems, []);
});

test('a private room: made private in the new-room dialog, an invitation from the room dialog, accepted in the invitee\'s tab', async () => {
  const pat = await openUser(browser, node);
  const p = pat.page;
  await signUp(p, 'pat', PASSWORD);
  const quinn = await openUser(browser, node);
  const q = quinn.page;
  await signUp(q, 'quinn', PASSWORD);
  const evan = await node.user('evan', PASSWORD);

  await p.getByRole('button', { name: 'New room' }).click();
  await p.locator('#create-name').fill('hideout');
  await p.locator('#create-visibility').selectOption('private');
  await p.locator('#dlg-create').getByRole('button', { name: 'Create' }).click();
  await until(async () => (await p.locator('#room-title').textContent()) === '# hideout', 'the private room to open');
  const room = await roomIdOf(p);
  // To anyone not invited it is no room at all, as an id nobody made.
  const outsider = await api(evan, 'GET', `/api/v1/rooms/${room}`).catch((e) => String(e.message));
  const nobodys = await api(evan, 'GET', '/api/v1/rooms/zz0zz0zz0zz0').catch((e) => String(e.message));
  assert.equal(outsider.replace(room, 'ID'), nobodys.replace('zz0zz0zz0zz0', 'ID'));
  assert.match(outsider, /no_such_room/);

  // pat invites quinn from the room dialog; the room's timeline says so.
  await p.locator('#room-settings-btn').click();
  assert.equal(await p.locator('#room-visibility').inputValue(), 'private');
  await p.locator('#invite-user').fill('quinn');
  await p.locator('#invite-form').getByRole('button', { name: 'Invite' }).click();
  await p.locator('#dlg-room').getByRole('button', { name: 'Close' }).click();
  await p.locator('#timeline .sys', { hasText: 'pat invited quinn' }).waitFor();

  // quinn sees the invitation, accepts it, and reads the room.
  const item = inviteItem(q, 'pat invites you to #hideout');
  await item.waitFor();
  await item.getByRole('button', { name: /^Accept/ }).click();
  await until(async () => (await roomIdOf(q)) === room, 'quinn to open the private room');
  await q.locator('#timeline .sys', { hasText: 'pat invited quinn' }).waitFor();
  assert.deepEqual(pat.problems, []);
  assert.deepEqual(quinn.problems, []);
});


test('an invite link: made in the room dialog, opened at its address by someone else, used up for the next, revoked', async () => {
  const rosa = await openUser(browser, node);
  const r = rosa.page;
  await signUp(r, 'rosa', PASSWORD);
  await r.getByRole('button', { name: 'New room' }).click();
  await r.locator('#create-name').fill('den');
  await r.locator('#create-visibility').selectOption('private');
  await r.locator('#dlg-create').getByRole('button', { name: 'Create' }).click();
  await until(async () => (await r.locator('#room-title').textContent()) === '# den', 'the private room to open');
  const room = await roomIdOf(r);

  // One use, made from the room dialog: the address is shown once, and the list has the link (not its token).
  await r.locator('#room-settings-btn').click();
  await r.locator('#link-list li', { hasText: 'No link stands' }).waitFor();
  await r.locator('#link-uses').fill('1');
  await r.locator('#link-form').getByRole('button', { name: 'Make a link' }).click();
  await until(async () => /#invite=[A-Za-z0-9_-]{43}$/.test(await r.locator('#link-url').inputValue()), 'the link to show');
  const url = await r.locator('#link-url').inputValue();
  const token = url.slice(url.indexOf('#invite=') + 8);
  await r.locator('#link-list li', { hasText: 'By rosa · 0 of 1 used' }).waitFor();
  assert.equal((await r.locator('#link-list').textContent()).includes(token), false, 'no token in the list');
  await r.locator('#dlg-room').getByRole('button', { name: 'Close' }).click();

  // Sid opens the address: he is told what the link is to, joins, and is in the private room.
  const sid = await openUser(browser, node);
  const s = sid.page;
  await signUp(s, 'sid', PASSWORD);
  await s.goto(url.slice(url.indexOf('/#invite=')));
  await until(async () => (await s.locator('#join-link-text').textContent()) === 'rosa invites you to #den.',
    'the link\'s room to be named');
  await s.locator('#dlg-join-link').getByRole('button', { name: 'Join' }).click();
  await until(async () => (await roomIdOf(s)) === room, 'sid to open the private room');
  assert.equal(new URL(s.url()).hash.includes('invite'), false, 'the token leaves the address once used');

  // Tess comes too late: the link's one use is spent, and she is told so.
  const tess = await openUser(browser, node);
  const t = tess.page;
  await signUp(t, 'tess', PASSWORD);
  await t.goto(url.slice(url.indexOf('/#invite=')));
  await until(async () => (await t.locator('#join-link-text').textContent()) === 'the invite link was used up (1 use)',
    'the spent link to say why');
  assert.equal(await t.locator('#join-link-go').isDisabled(), true);
  await t.locator('#dlg-join-link').getByRole('button', { name: 'Not now' }).click();

  // Sid, a member, makes no links until rosa lets every member invite; then his room dialog has them too.
  await s.locator('#room-settings-btn').click();
  assert.equal(await s.locator('#link-form').isHidden(), true);
  await s.locator('#dlg-room').getByRole('button', { name: 'Close' }).click();
  await r.locator('#room-settings-btn').click();
  await r.locator('#room-members-invite').check();
  await r.locator('#room-form').getByRole('button', { name: 'Save' }).click();
  await s.locator('#timeline .sys', { hasText: 'rosa let every member invite' }).waitFor();
  await s.locator('#room-settings-btn').click();
  await s.locator('#link-form').waitFor();
  await s.locator('#link-list li', { hasText: 'By rosa · 1 of 1 used' }).waitFor();
  await s.locator('#dlg-room').getByRole('button', { name: 'Close' }).click();

  // Rosa sees the use, and revokes the link.
  await r.locator('#room-settings-btn').click();
  const item = r.locator('#link-list li', { hasText: 'By rosa · 1 of 1 used' });
  await item.waitFor();
  await item.getByRole('button', { name: /^Revoke/ }).click();
  await r.locator('#link-list li', { hasText: 'No link stands' }).waitFor();
  for (const u of [rosa, sid, tess]) assert.deepEqual(u.problems, []);
});
