// What the page's Content-Security-Policy, the first-load budget and the size budget of a file ask of the files in
// web/src.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { firstLoad, SRC } from '../tools/first-load.mjs';

const files = readdirSync(SRC);
const read = (f) => readFileSync(join(SRC, f), 'utf8');

test('index.html: no inline script or style, no style attributes, no inline handlers, nothing from elsewhere', () => {
  const html = read('index.html');
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(m[1], /\bsrc="\/static\//, 'every script is a file of this node');
    assert.equal(m[2].trim(), '', 'no inline script');
  }
  assert.doesNotMatch(html, /<style\b/i);
  assert.doesNotMatch(html, /\sstyle\s*=/i);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
  assert.doesNotMatch(html, /(?:src|href)="(?:https?:)?\/\//i);
  for (const m of html.matchAll(/(?:src|href)="\/static\/([^"]+)"/g)) assert.ok(existsSync(join(SRC, m[1])), m[1]);
});

test('scripts: no innerHTML, no eval, no inline style attributes, imports that resolve', () => {
  for (const f of files.filter((x) => x.endsWith('.js'))) {
    const js = read(f);
    assert.doesNotMatch(js, /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write/, f);
    assert.doesNotMatch(js, /\beval\s*\(|new Function\s*\(/, f);
    assert.doesNotMatch(js, /setAttribute\(\s*['"]style['"]/, f);
    assert.doesNotMatch(js, /cssText/, f);
    for (const m of js.matchAll(/from\s+['"]\.\/([^'"]+)['"]/g)) assert.ok(existsSync(join(SRC, m[1])), `${f} imports ${m[1]}`);
  }
});

test('the pure modules touch no DOM', () => {
  for (const f of ['state.js', 'state-room.js', 'state-timeline.js', 'state-awareness.js', 'state-invites.js', 'outbox.js',
    'format.js', 'client.js', 'client-outbox.js', 'client-rest.js', 'client-search.js', 'search-model.js', 'methods.js']) {
    const code = read(f).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const m = /\b(document|window|localStorage|sessionStorage|WebSocket|XMLHttpRequest|fetch)\b/.exec(code);
    assert.equal(m, null, `${f} uses ${m && m[1]}`);
  }
});

test('first load is under 150 KiB compressed', () => {
  const load = firstLoad();
  const names = load.map((f) => f.file);
  for (const f of ['index.html', 'app.js', 'app.css', 'state.js', 'client.js', 'ui.js']) assert.ok(names.includes(f), f);
  const total = load.reduce((n, f) => n + f.gzip, 0);
  assert.ok(total < 150 * 1024, `${total} bytes`);
});

test('no file is over 600 lines: a module that grows past that is split by concern', () => {
  for (const f of files) {
    const lines = read(f).split('\n').length - 1;
    assert.ok(lines <= 600, `${f} has ${lines} lines`);
  }
});
