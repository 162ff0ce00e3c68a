/**
 * Import rules for src/, checked by `npm run lint:deps` (part of `npm run check`).
 *
 * A newcomer should be able to read the code in one direction. A folder may use another only if
 * that one does not use it back, directly or through others: e.g. auth/ (Principal, @Roles, the
 * guard, sessions and tokens) sits below users/, and account/ (login, own password, tokens)
 * above it. When a cycle appears, move the shared piece down to the folder that owns it (or to
 * common/), or let the lower folder announce a domain event (src/events/) that the upper one
 * handles.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A file must not import itself back through a chain of imports.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment:
        'Folders of src/ (a folder counts with everything under it) must not depend on each ' +
        'other in a cycle.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    // `import type` counts: a type-only cycle still ties the folders together for a reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
