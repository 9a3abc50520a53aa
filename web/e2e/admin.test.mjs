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

test('the user directory: the new-DM dialog suggests people, and whoever leaves the directory is not suggested', async () => {
  const cyd = await openUser(browser, node);
  const c = cyd.page;
  await signUp(c, 'cyd', PASSWORD);
  const dee = await openUser(browser, node);
  const d = dee.page;
  await signUp(d, 'deedee', PASSWORD);

  await c.locator('#new-dm-btn').click();
  await c.locator('#dm-users').pressSequentially('dee');
  await c.locator('#dm-suggest option[value="deedee"]').waitFor({ state: 'attached' });

  // Deedee leaves the directory from her account dialog; the next lookup does not find her.
  await d.locator('#account-btn').click();
  await until(async () => d.locator('#listed-toggle').isChecked(), 'listed by default');
  await d.locator('#listed-toggle').uncheck();
  await until(async () => ((await node.call(null, 'POST', '/api/v1/auth/login', { username: 'cyd', password: PASSWORD })
    .then((r) => node.call(r.token, 'GET', '/api/v1/users?q=dee'))).users.length === 0), 'deedee out of the directory');
  await c.locator('#dm-users').fill('');
  await c.locator('#dm-users').pressSequentially('deed');
  await until(async () => (await c.locator('#dm-suggest option').count()) === 0, 'no suggestion');
  assert.deepEqual(cyd.problems, []);
  assert.deepEqual(dee.problems, []);
});

test('sign-up by invitation: refused without one, and an admin\'s link signs a newcomer up', async () => {
  const adaToken = (await node.call(null, 'POST', '/api/v1/auth/login', { username: 'ada', password: PASSWORD })).token;
  await node.call(adaToken, 'PATCH', '/api/v1/admin/settings', { signup: 'invite' });
  try {
    // Without an invitation: refused, and the form shows where one goes.
    const eli = await openUser(browser, node);
    const e = eli.page;
    await e.locator('#auth-username').fill('eli');
    await e.locator('#auth-password').fill(PASSWORD);
    await e.getByRole('button', { name: 'Sign up' }).click();
    await until(async () => (await e.locator('#auth-error').textContent())
      === 'sign-up on this server takes an invitation from one of its admins', 'the refusal');
    assert.equal(await e.locator('#auth-invite').isVisible(), true);

    // Ada makes one in the admin dialog; opened, it signs fay up.
    const a = await openUser(browser, node);
    await a.page.locator('#auth-username').fill('ada');
    await a.page.locator('#auth-password').fill(PASSWORD);
    await a.page.getByRole('button', { name: 'Log in' }).click();
    await waitOnline(a.page);
    await a.page.locator('#account-btn').click();
    await a.page.locator('#admin-btn').click();
    await a.page.locator('#admin-invite').click();
    await until(async () => /#signup=[A-Za-z0-9_-]{43}$/.test(await a.page.locator('#admin-invite-url').inputValue()),
      'the invitation to show');
    const url = await a.page.locator('#admin-invite-url').inputValue();
    const fay = await openUser(browser, node);
    await fay.page.goto(url.slice(url.indexOf('/#signup=')));
    assert.equal(await fay.page.locator('#auth-invite').isVisible(), true);
    await signUp(fay.page, 'fay', PASSWORD);
    assert.equal(new URL(fay.page.url()).hash.includes('signup'), false, 'the token leaves the address');
    assert.deepEqual(fay.problems, []);
  } finally {
    await node.call(adaToken, 'PATCH', '/api/v1/admin/settings', { signup: 'open' });
  }
});
