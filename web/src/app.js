// Entry point: finds out whether the browser has a session (the HttpOnly cookie), shows the login form or the
// main screen, and wires the client to the browser (WebSocket, localStorage, timers, crypto).

import { Api } from './api.js';
import { ChatClient } from './client.js';
import { MainView } from './ui.js';
import { $ } from './dom.js';

const api = new Api();
const STAY = 'parley.stay';
const TAB = 'parley.tab';
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('parley') : null;
let client = null;
let view = null;

// A session the user did not ask to keep lives while one of its tabs is open: tabs answer each other here.
if (channel) {
  channel.onmessage = (ev) => {
    if (ev.data === 'alive?' && client) channel.postMessage('alive');
  };
}

function otherTabAlive() {
  if (!channel) return Promise.resolve(false);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      channel.removeEventListener('message', on);
      resolve(false);
    }, 300);
    const on = (ev) => {
      if (ev.data === 'alive') {
        clearTimeout(t);
        channel.removeEventListener('message', on);
        resolve(true);
      }
    };
    channel.addEventListener('message', on);
    channel.postMessage('alive?');
  });
}

async function boot() {
  let me = null;
  let problem = '';
  try {
    me = await api.me();
  } catch (e) {
    if (e.status !== 401) problem = e.status === 0 ? 'The server cannot be reached. Try again in a moment.' : e.message;
  }
  if (me && localStorage.getItem(STAY) === '0' && !sessionStorage.getItem(TAB)) {
    if (await otherTabAlive()) sessionStorage.setItem(TAB, '1');
    else {
      try {
        await api.logout();
      } catch {
        // the cookie may be gone already
      }
      me = null;
    }
  }
  $('boot').hidden = true;
  if (me) startApp(me.username);
  else showAuth(problem);
}

function showAuth(message = '') {
  $('auth').hidden = false;
  $('app').hidden = true;
  $('auth-error').textContent = message;
  $('auth-password').value = '';
  $('auth-username').focus();
}

function startApp(username) {
  $('auth').hidden = true;
  client = new ChatClient(username, {
    api,
    openSocket: (url) => new WebSocket(url),
    wsUrl: (after) => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/v1/ws`
      + (after ? '?after=' + encodeURIComponent(after) : ''),
    storage: localStorage,
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (t) => clearTimeout(t),
    random: Math.random,
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
  });
  view = new MainView(client, api, { onLogout: endSession });
  api.onUnauthorized = () => endSession('Your session has ended: log in again');
  view.mount();
}

function endSession(reason) {
  if (client) client.stop();
  if (view) view.unmount();
  client = null;
  view = null;
  api.onUnauthorized = null;
  sessionStorage.removeItem(TAB);
  document.title = 'Parley';
  showAuth(reason || '');
}

const MESSAGES = {
  bad_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken.',
  invalid_username: 'A username is 3 to 32 characters: letters, digits, _ . and -.',
  weak_password: 'A password needs at least 8 characters.',
  password_too_long: 'That password is too long (at most 72 bytes).',
  network: 'The server cannot be reached. Try again in a moment.',
};

function describe(e) {
  if (e.code === 'rate_limited') {
    const s = Math.ceil((e.retryAfterMs || 1000) / 1000);
    return `Too many attempts: try again in ${s} s.`;
  }
  return MESSAGES[e.code] || e.message || String(e);
}

/** The server's own rules, checked before asking it. */
function check(username, password) {
  if (!/^[a-z0-9_.-]{3,32}$/.test(username)) return MESSAGES.invalid_username;
  if (Array.from(password).length < 8) return MESSAGES.weak_password;
  if (new TextEncoder().encode(password).length > 72) return MESSAGES.password_too_long;
  return null;
}

async function authenticate(signup) {
  const username = $('auth-username').value.trim().toLowerCase();
  const password = $('auth-password').value;
  const err = $('auth-error');
  const bad = check(username, password);
  if (bad && (signup || !username || !password)) {
    err.textContent = bad;
    return;
  }
  err.textContent = '';
  for (const b of document.querySelectorAll('#auth-form button')) b.disabled = true;
  try {
    const invite = $('auth-invite').value.trim() || undefined;
    if (signup) await api.signup(username, password, invite);
    const res = await api.login(username, password);
    localStorage.setItem(STAY, $('auth-stay').checked ? '1' : '0');
    sessionStorage.setItem(TAB, '1');
    startApp(res.username);
  } catch (e) {
    // The server signs up by invitation: the field shows, and says why.
    if (e.code === 'invite_required') $('auth-invite-row').hidden = false;
    err.textContent = describe(e);
  } finally {
    for (const b of document.querySelectorAll('#auth-form button')) b.disabled = false;
  }
}

$('auth-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  authenticate(false);
});
$('auth-signup').addEventListener('click', () => authenticate(true));
$('auth-stay').checked = localStorage.getItem(STAY) === '1';
// An invitation to sign up comes as <origin>/#signup=<token>: the fragment never reaches a server.
function takeInvitation() {
  const invited = /^#signup=([A-Za-z0-9_-]{43})$/.exec(location.hash);
  if (!invited) return;
  $('auth-invite').value = invited[1];
  $('auth-invite-row').hidden = false;
  history.replaceState(null, '', location.pathname + location.search);
}
takeInvitation();
window.addEventListener('hashchange', takeInvitation);

boot();
