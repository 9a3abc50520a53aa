// Scenario: running the server from the web client. The first account of a new server is its admin: the account
// dialog has Server admin, which lists the accounts; she deactivates one, whose open tab is signed out at once and
// whose login is then refused with the reason; the audit log shows the act; reactivated, he logs in again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeAndBrowser, openUser, signUp, until, waitOnline } from './lib.mjs';

const PASSWORD = 'correct horse';
let node;
let browser;

nodeAndBrowser((n, b) => {
  node = n;
  browser = b;
});

test('the server admin page: accounts turned off and on, the audit log', async () => {
  const ada = await openUser(browser, node);
  const a = ada.page;
  a.on('dialog', (d) => d.accept());
  await signUp(a, 'ada', PASSWORD);
  const ben = await openUser(browser, node);
  const b = ben.page;
  await signUp(b, 'ben', PASSWORD);

  await a.locator('#account-btn').click();
  await a.locator('#admin-btn').waitFor();
  await a.locator('#admin-btn').click();
  const row = a.locator('#admin-users .admin-user', { hasText: 'ben' });
  await row.waitFor();
  assert.match(await a.locator('#admin-users .admin-user', { hasText: 'ada' }).textContent(), /ada \(admin/);
  await row.getByRole('button', { name: 'Deactivate ben' }).click();

  // Ben's tab is signed out at once, and his password no longer lets him in, with the reason.
  await b.locator('#auth-username').waitFor({ state: 'visible' });
  await b.locator('#auth-username').fill('ben');
  await b.locator('#auth-password').fill(PASSWORD);
  await b.getByRole('button', { name: 'Log in' }).click();
  await until(async () => (await b.locator('#auth-error').textContent()) === 'this account was deactivated by a server admin',
    'the refusal to say why');

  await a.locator('#admin-audit li', { hasText: 'ada deactivate ben' }).waitFor();
  await a.locator('#admin-users .admin-user', { hasText: 'ben (deactivated' }).getByRole('button', { name: 'Reactivate ben' }).click();
  await a.locator('#admin-audit li', { hasText: 'ada reactivate ben' }).waitFor();
  await b.getByRole('button', { name: 'Log in' }).click();
  await waitOnline(b);
  assert.deepEqual(ada.problems, []);
});
