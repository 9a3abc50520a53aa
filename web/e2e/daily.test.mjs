// Scenario 4: a day of use with the keyboard. Rooms by Alt+Up/Down and Ctrl+K, Up to edit the last message, a reply,
// a reaction put on and taken off, a delete, a DM, history loaded by scrolling up, Esc to mark a room read, the
// account dialog (sessions, password), logging out and in again. Also: every control has a name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nodeAndBrowser, openUser, signUp, createRoom, openRoom, send, until, roomIdOf, messageByText,
  timelineSeqs, waitOnline,
} from './lib.mjs';

let node;
let browser;

nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

const api = (token, method, path, body) => node.call(token, method, path, body);

test('keyboard, edits, replies, reactions, deletes, DMs, history, Esc, account', async () => {
  const alice = await openUser(browser, node);
  const a = alice.page;
  a.on('dialog', (d) => d.accept());
  await signUp(a, 'alice', 'correct horse');
  await api(null, 'POST', '/api/v1/auth/signup', { username: 'bob', password: 'battery staple' });
  const bob = (await api(null, 'POST', '/api/v1/auth/login', { username: 'bob', password: 'battery staple' })).token;

  const alpha = await createRoom(a, 'alpha');
  await send(a, 'first line in alpha');
  const beta = await createRoom(a, 'beta');
  await send(a, 'first line in beta');

  // Alt+Up / Alt+Down move between rooms (most recent first: beta, alpha).
  await a.keyboard.press('Alt+ArrowDown');
  await until(async () => (await roomIdOf(a)) === alpha, 'Alt+Down to open alpha');
  await a.keyboard.press('Alt+ArrowUp');
  await until(async () => (await roomIdOf(a)) === beta, 'Alt+Up to open beta');

  // Ctrl+K jumps by name.
  await a.keyboard.press('Control+k');
  await a.locator('#switch-q').fill('alp');
  await a.locator('#switch-q').press('Enter');
  await until(async () => (await roomIdOf(a)) === alpha, 'Ctrl+K to open alpha');

  // Up on an empty input edits the last message.
  await send(a, 'this has a tpyo');
  await messageByText(a, 'this has a tpyo').waitFor();
  const input = a.locator('#composer-input');
  await input.focus();
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'this has a tpyo');
  await input.fill('this has no typo');
  await input.press('Enter');
  const edited = messageByText(a, 'this has no typo');
  await edited.locator('.edited', { hasText: '(edited)' }).waitFor();
  assert.equal(await messageByText(a, 'tpyo').count(), 0);

  // A reply quotes what it answers.
  const first = messageByText(a, 'first line in alpha');
  await first.hover();
  await first.getByRole('button', { name: 'Reply' }).click();
  await a.locator('#compose-bar', { hasText: 'Replying to alice' }).waitFor();
  await input.fill('answering myself');
  await input.press('Enter');
  await messageByText(a, 'answering myself').locator('.reply-quote', { hasText: 'first line in alpha' }).waitFor();

  // A reaction, on and off.
  await first.hover();
  await first.getByRole('button', { name: 'React' }).click();
  await a.locator('#dlg-react').getByRole('button', { name: 'React with 👍' }).click();
  const chip = first.locator('.chip');
  await chip.waitFor();
  assert.equal(await chip.getAttribute('aria-pressed'), 'true');
  await chip.click();
  await until(async () => (await first.locator('.chip').count()) === 0, 'the reaction to go');

  // A delete (confirmed in the browser's dialog).
  await send(a, 'a line to take back');
  const gone = messageByText(a, 'a line to take back');
  await gone.waitFor();
  const goneSeq = await gone.getAttribute('data-seq');
  await gone.hover();
  await gone.getByRole('button', { name: 'Delete' }).click();
  await a.locator(`#timeline article[data-seq="${goneSeq}"]`, { hasText: 'message deleted' }).waitFor();

  // A DM by name.
  await a.getByRole('button', { name: 'New DM' }).click();
  await a.locator('#dm-users').fill('bob');
  await a.locator('#dlg-dm').getByRole('button', { name: 'Open' }).click();
  await until(async () => (await a.locator('#room-title').textContent()) === '@bob', 'the DM with bob');
  await send(a, 'hi bob');
  await messageByText(a, 'hi bob').locator('.status').waitFor();

  // A group DM.
  await api(null, 'POST', '/api/v1/auth/signup', { username: 'carol', password: 'correct horse' });
  await a.getByRole('button', { name: 'New DM' }).click();
  await a.locator('#dm-users').fill('bob, carol');
  await a.locator('#dlg-dm').getByRole('button', { name: 'Open' }).click();
  await until(async () => (await a.locator('#room-title').textContent()) === '& bob, carol', 'the group with bob and carol');
  await send(a, 'hello both');
  await messageByText(a, 'hello both').waitFor();

  // History: bob fills a room alice is in, she scrolls up to its start.
  await api(bob, 'POST', `/api/v1/rooms/${beta}/join`, {});
  const posted = [];
  for (let i = 1; i <= 70; i++) {
    for (;;) {
      const res = await fetch(`${node.url}/api/v1/rooms/${beta}/messages`, {
        method: 'POST', headers: { Authorization: 'Bearer ' + bob, 'Content-Type': 'application/json' },
        body: JSON.stringify({ clientMsgId: 'h' + i, text: `history line ${i}` }),
      });
      if (res.status === 201) {
        posted.push(await res.json());
        break;
      }
      assert.equal(res.status, 429);
      const body = await res.json();
      await new Promise((r) => setTimeout(r, body.error.retryAfterMs));
    }
  }
  await a.locator(`#sidebar button[data-room="${beta}"] .badge[data-unread="70"]`).waitFor();
  await openRoom(a, beta);
  await messageByText(a, 'history line 70').waitFor();
  await until(async () => (await timelineSeqs(a))[0] === 1 || (await a.locator('#timeline').evaluate((el) => el.scrollHeight > el.clientHeight)), 'a full view');
  await a.locator('#timeline').evaluate((el) => { el.scrollTop = 0; });
  await until(async () => {
    await a.locator('#timeline').evaluate((el) => { el.scrollTop = 0; });
    return (await timelineSeqs(a))[0] === 1;
  }, 'history back to seq 1');
  const seqs = await timelineSeqs(a);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
  await a.locator('#jump-newest').waitFor();
  await a.locator('#jump-newest').click();
  await until(() => a.locator('#timeline').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 50), 'the newest line');

  // The new-messages line, and Esc marking the room read.
  await api(bob, 'POST', `/api/v1/rooms/${alpha}/join`, {});
  await api(bob, 'POST', `/api/v1/rooms/${alpha}/messages`, { clientMsgId: 'u1', text: 'unread for alice' });
  await a.locator(`#sidebar button[data-room="${alpha}"] .badge[data-unread="1"]`).waitFor();
  await openRoom(a, alpha);
  await a.locator('#new-line').waitFor();
  await a.keyboard.press('Escape');
  await until(async () => (await a.locator('#new-line').count()) === 0, 'Esc to take the new-messages line away');
  assert.equal(await a.locator(`#sidebar button[data-room="${alpha}"] .badge`).count(), 0);

  // The owner kicks bob from the member list.
  await a.locator('#member-list button[data-member="bob"]').click();
  await a.locator('#member-reason').fill('testing the kick');
  await a.locator('#dlg-member').getByRole('button', { name: 'Kick' }).click();
  await a.locator('#timeline .sys', { hasText: 'bob was kicked by alice: testing the kick' }).waitFor();
  await until(async () => (await a.locator('#member-list button[data-member="bob"]').count()) === 0, 'bob to leave the member list');

  // Every button and field has a name people and screen readers can use.
  const unnamed = await a.evaluate(() => [...document.querySelectorAll('button, input, textarea, [role="option"]')]
    .filter((el) => el.offsetParent !== null || el.closest('dialog[open]'))
    .filter((el) => {
      const label = el.getAttribute('aria-label') || el.textContent.trim() || (el.labels && el.labels.length && el.labels[0].textContent.trim())
        || el.getAttribute('aria-labelledby');
      return !label;
    }).map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  for (const landmark of ['banner', 'navigation', 'main', 'complementary']) {
    assert.ok(await a.getByRole(landmark).count() >= 1, landmark);
  }

  // Account: this session is listed; the password changes; log out and in again.
  await a.locator('#account-btn').click();
  await a.locator('#session-list li', { hasText: 'this one' }).waitFor();
  await a.locator('#pw-current').fill('correct horse');
  await a.locator('#pw-new').fill('correct horse 2');
  await a.locator('#pw-new2').fill('correct horse 2');
  await a.locator('#password-form').getByRole('button', { name: 'Change password' }).click();
  await a.locator('#password-form .error', { hasText: 'Password changed' }).waitFor();
  await a.getByRole('button', { name: 'Log out', exact: true }).click();
  await a.locator('#auth-username').waitFor();
  assert.equal(await a.locator('#app').isHidden(), true);
  await a.locator('#auth-username').fill('alice');
  await a.locator('#auth-password').fill('correct horse 2');
  await a.getByRole('button', { name: 'Log in' }).click();
  await waitOnline(a);
  await a.locator(`#sidebar button[data-room="${alpha}"]`).waitFor();

  assert.deepEqual(alice.problems, []);
});
