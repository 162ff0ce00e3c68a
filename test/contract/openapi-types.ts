// The typed client compiles against the web app's generated API types (npm run openapi:types).
// typed-client.e2e-spec.ts puts a freshly generated file in this file's place in a scratch copy.
export type * from '../../web/src/openapi-types';
