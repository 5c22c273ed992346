// Entry point for @vscode/test-electron (and the code-server harness): runs the mocha
// suites inside the extension host. CORTEX_HOST_SUITE picks trusted (default) or untrusted.
import * as path from 'node:path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec' });
  const suite = process.env.CORTEX_HOST_SUITE === 'untrusted' ? 'untrusted.test.js' : 'trusted.test.js';
  mocha.addFile(path.join(__dirname, suite));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} host test(s) failed`)) : resolve()));
  });
}
