// The HTTP layer: a cancelled call says so by its own code (a search the box no longer needs), and a refusal keeps
// the node's code and retryAfterMs (what the search box waits out before asking again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Api } from '../src/api.js';

test('a search cancelled on its way rejects with aborted; the request carried the signal', async () => {
  let seen = null;
  const api = new Api('', (url, init) => {
    seen = { url, init };
    return new Promise((resolve, reject) => {
      init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  });
  const abort = new AbortController();
  const pending = api.search('deploy now', { signal: abort.signal });
  abort.abort();
  await assert.rejects(pending, (e) => e.code === 'aborted');
  assert.equal(seen.url, '/api/v1/search?q=deploy%20now&limit=20');
});

test('a rate-limited search keeps the node\'s code and retryAfterMs', async () => {
  const api = new Api('', async () => new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'past it',
    retryAfterMs: 640 } }), { status: 429, headers: { 'Content-Type': 'application/json' } }));
  await assert.rejects(api.search('x'), (e) => e.code === 'rate_limited' && e.retryAfterMs === 640 && e.status === 429);
});
