// What a browser fetches on the first load of the web client: index.html, every /static/ file it names, and every
// module those import, with each file's size raw and compressed with gzip -9.
//   node web/tools/first-load.mjs        prints the table and the sum
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

export function firstLoad(src = SRC) {
  const seen = new Set();
  const order = [];
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    order.push(name);
    const text = readFileSync(join(src, name), 'utf8');
    if (name.endsWith('.html')) {
      for (const m of text.matchAll(/(?:href|src)="\/static\/([^"]+)"/g)) visit(m[1]);
    } else if (name.endsWith('.js')) {
      for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]\.\/([^'"]+)['"]/g)) visit(m[1]);
      for (const m of text.matchAll(/import\(\s*['"]\.\/([^'"]+)['"]\s*\)/g)) visit(m[1]);
    } else if (name.endsWith('.css')) {
      for (const m of text.matchAll(/url\(\s*['"]?\/static\/([^'")]+)['"]?\s*\)/g)) visit(m[1]);
    }
  };
  visit('index.html');
  return order.map((file) => {
    const bytes = readFileSync(join(src, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = firstLoad();
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    raw += f.raw;
    gz += f.gzip;
    console.log(`${f.file.padEnd(16)} ${String(f.raw).padStart(8)} B  ${String(f.gzip).padStart(7)} B gzip -9`);
  }
  console.log(`${'total'.padEnd(16)} ${String(raw).padStart(8)} B  ${String(gz).padStart(7)} B gzip -9 (${(gz / 1024).toFixed(1)} KiB of 150 KiB)`);
}
