// A reporter for Node's test runner (node --test --test-reporter=...): one line per failed test, written as it fails
// (a run ended by --test-force-exit keeps them), for the last lines of a red run to say which tests failed and why
// (web/e2e/run.sh and .ci/run print the file). A line: FAIL <file>:<line> <name>: <first line of the error>. The line is the failing assertion's where the stack names the test file, else the
// test's own. A suite whose only fault is a failed subtest is left out: its subtest has the line.
import path from 'node:path';

export function firstLine(error) {
  const cause = error?.cause ?? error;
  let text = String(cause?.message ?? cause ?? 'failed').split('\n')[0];
  // assert.equal(a, b, 'message') says only the message; the values are what a reader wants next.
  if (cause?.code === 'ERR_ASSERTION' && 'actual' in cause && !text.includes(String(cause.actual))) {
    text += ` (${JSON.stringify(cause.actual)} ${cause.operator ?? 'vs'} ${JSON.stringify(cause.expected)})`;
  }
  return text.length > 300 ? text.slice(0, 300) + '...' : text;
}

export function where(data) {
  const file = data.file ?? '?';
  const stack = String(data.details?.error?.cause?.stack ?? data.details?.error?.stack ?? '');
  const own = stack.split('\n').map((l) => l.match(/\(?(?:file:\/\/)?([^\s()]+):(\d+):\d+\)?$/))
    .find((m) => m && m[1] === file);
  return `${path.relative(process.cwd(), file)}:${own ? own[2] : data.line ?? '?'}`;
}

export default async function* failures(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const data = event.data;
    if (data.details?.type === 'suite' && data.details?.error?.failureType === 'subtestsFailed') continue;
    yield `FAIL ${where(data)} ${data.name}: ${firstLine(data.details?.error)}\n`;
  }
}
