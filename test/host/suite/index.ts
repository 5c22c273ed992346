// Entry point for @vscode/test-electron (and the code-server harness): runs the mocha
// suites inside the extension host. CORTEX_HOST_SUITE picks trusted (default), untrusted or multiroot.
import * as path from 'node:path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, `${process.env.CORTEX_HOST_SUITE ?? 'trusted'}.test.js`));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} host test(s) failed`)) : resolve()));
  });
}
