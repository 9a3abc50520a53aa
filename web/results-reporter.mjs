// A reporter for Node's test runner that writes every test's outcome as it ends, tab-separated: PASS, the test (file ›
// name), nothing; or FAIL, the test, and where it failed with the first line of the error. tools/flake-hunt.sh counts
// runs and failures from it.
import path from 'node:path';
import { firstLine, where } from './failures-reporter.mjs';

export default async function* results(source) {
  for await (const event of source) {
    const data = event.data;
    const test = `${path.relative(process.cwd(), data.file ?? '?')} › ${data.name}`;
    if (event.type === 'test:pass' && data.details?.type !== 'suite') {
      yield `PASS\t${test}\t\n`;
    } else if (event.type === 'test:fail'
        && !(data.details?.type === 'suite' && data.details?.error?.failureType === 'subtestsFailed')) {
      yield `FAIL\t${test}\t${where(data)}: ${firstLine(data.details?.error).replace(/\t/g, ' ')}\n`;
    }
  }
}
