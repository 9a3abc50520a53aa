// The web client's first load, measured in Debian's Chromium against a node started here (the README's figure):
// requests, bytes over the wire and until the sign-in form shows, from an empty cache, then again from the cache.
// Also prints what the node logged at WARN or above meanwhile (a healthy start and a page load log none).
//   node web/e2e/load-in-chromium.mjs    (the node built: mvn -DskipTests install)
import { readFileSync } from 'node:fs';
import { ParleyNode, launchBrowser } from './lib.mjs';

const node = await ParleyNode.create();
await node.start();
const browser = await launchBrowser();
try {
  const context = await browser.newContext();
  for (const round of ['empty cache', 'cached']) {
    const page = await context.newPage();
    let requests = 0;
    let bytes = 0;
    page.on('requestfinished', async (req) => {
      requests++;
      const sizes = await req.sizes().catch(() => null);
      if (sizes) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    });
    const started = Date.now();
    await page.goto(node.url + '/');
    await page.locator('#auth-username').waitFor();
    const shown = Date.now() - started;
    await page.waitForLoadState('networkidle');
    console.log(`first load (${round}): ${requests} requests, ${(bytes / 1024).toFixed(1)} KiB over the wire, `
      + `the sign-in form shown ${shown} ms after navigation`);
    await page.close();
  }
} finally {
  await browser.close();
  await node.stop();
}
const warned = readFileSync(node.logFile, 'utf8').split('\n').filter((l) => / (WARN|ERROR) /.test(l));
console.log(warned.length ? `the node logged:\n${warned.join('\n')}` : 'the node logged no WARN or ERROR');
node.cleanup();
