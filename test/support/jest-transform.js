// Nest 12 packages ship as ES modules. Node loads them from our CommonJS build through
// require(esm), but jest's module loader cannot, so under jest we compile them (and our
// TypeScript) to CommonJS with swc. `import.meta.url` has no CommonJS equivalent in swc, so it is
// rewritten to the file URL of the module being compiled.
const { createTransformer } = require('@swc/jest');

const typescript = createTransformer({
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
});

const esm = createTransformer({
  jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022', keepClassNames: true },
  module: { type: 'commonjs' },
});

function rewriteImportMeta(source) {
  if (!source.includes('import.meta')) return source;
  return source
    .replace(/const require = createRequire\(import\.meta\.url\);?/g, '')
    .replace(/import\.meta\.url/g, "require('node:url').pathToFileURL(__filename).href");
}

module.exports = {
  process(source, path, options) {
    const transformer = path.endsWith('.ts') || path.endsWith('.tsx') ? typescript : esm;
    return transformer.process(rewriteImportMeta(source), path, options);
  },
  getCacheKey(source, path, options) {
    const transformer = path.endsWith('.ts') || path.endsWith('.tsx') ? typescript : esm;
    return transformer.getCacheKey(rewriteImportMeta(source), path, options) + '-esm3';
  },
};
