// Lets node run the server's TypeScript directly (`node -r ./scripts/swc-register.cjs x.ts`),
// compiled file by file with swc as the tests do (test/support/jest-transform.js), so a script
// such as openapi-document.ts needs no full tsc build. Nest's ES modules load through Node's own
// require(esm), as they do for dist/.
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');
const Module = require('node:module');

const options = {
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
