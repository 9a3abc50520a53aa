// Scenario: a report, end to end. A member reports someone else's message from its actions, with a reason; the room's
// owner finds it in the room dialog's Reports, with the message and who reported it and why, and deletes the message
// from there: it is deleted in every tab, and the queue is empty. The writer sees no Report button on their own line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nodeAndBrowser, openUser, signUp, createRoom, openRoom, until, messageByText,
} from './lib.mjs';

const PASSWORD = 'correct horse';
let node;
let browser;

nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

const api = (token, method, path, body) => node.call(token, method, path, body);

test('a report: filed from a message\'s actions, seen and acted on in the owner\'s room dialog', async () => {
  const uma = await openUser(browser, node);
  const u = uma.page;
  u.on('dialog', (d) => d.accept());
  await signUp(u, 'uma', PASSWORD);
  const room = await createRoom(u, 'plaza');
  const will = await node.user('will', PASSWORD);
  await api(will, 'POST', `/api/v1/rooms/${room}/join`, {});
  await api(will, 'POST', `/api/v1/rooms/${room}/messages`, { clientMsgId: 'w1', text: 'cheap watches here' });

  const vic = await openUser(browser, node);
  const v = vic.page;
  v.on('dialog', (d) => d.accept(d.type() === 'prompt' ? 'selling spam' : undefined));
  await signUp(v, 'vic', PASSWORD);
  await api(await node.call(null, 'POST', '/api/v1/auth/login', { username: 'vic', password: PASSWORD })
    .then((r) => r.token), 'POST', `/api/v1/rooms/${room}/join`, {});
  await openRoom(v, room);
  const line = messageByText(v, 'cheap watches here');
  await line.waitFor();
  await line.hover();
  await line.getByRole('button', { name: 'Report' }).click();
  await v.locator('.toast', { hasText: 'Reported to the room\'s owner and admins' }).waitFor();

  // The owner's room dialog: the report, with the message, the reporter and the reason; deleted from there.
  await messageByText(u, 'cheap watches here').waitFor();
  await u.locator('#room-settings-btn').click();
  const item = u.locator('#report-list .report', { hasText: 'will: “cheap watches here” — reported by vic: selling spam' });
  await item.waitFor();
  await item.getByRole('button', { name: /^Delete message/ }).click();
  await u.locator('#report-list li', { hasText: 'No open reports' }).waitFor();
  await u.locator('#dlg-room').getByRole('button', { name: 'Close' }).click();
  for (const p of [u, v]) {
    await until(async () => (await messageByText(p, 'cheap watches here').count()) === 0, 'the message to be deleted');
  }

  // Nobody reports their own line: vic's own message has no Report button.
  await api(await node.call(null, 'POST', '/api/v1/auth/login', { username: 'vic', password: PASSWORD })
    .then((r) => r.token), 'POST', `/api/v1/rooms/${room}/messages`, { clientMsgId: 'v1', text: 'thanks uma' });
  const own = messageByText(v, 'thanks uma');
  await own.waitFor();
  await own.hover();
  assert.equal(await own.getByRole('button', { name: 'Report' }).count(), 0);
  for (const x of [uma, vic]) assert.deepEqual(x.problems, []);
});
