import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';

/**
 * Holds every response the e2e tests receive to the app's own OpenAPI document: the status must
 * be one the operation declares, the content type one it lists for that status, and a JSON body
 * must match the declared schema. Schemas are closed for the check (an object may not carry a
 * property the document does not list), so a field that leaks into a blinded response, or one
 * the document forgot, fails the test that received it. Binary and text bodies (images, CSV,
 * JSON lines) are checked for their content type only.
 *
 * Requests to paths the document does not describe (the web app, /api/docs-json, made-up
 * routes) are not operations and are left alone.
 */

type Schema = Record<string, unknown>;

interface MediaTypeObject {
  schema?: Schema;
}

interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
}

interface OperationObject {
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocumentLike {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, Schema> };
}

/** What the check needs of a response (a supertest/superagent Response is one). */
export interface ResponseLike {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  operation: OperationObject;
}

/**
 * OpenAPI 3.0 schemas as JSON Schema for ajv: `nullable: true` becomes "or null", component
 * references point into `definitions`, and objects without an explicit additionalProperties are
 * closed.
 */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const source = schema as Schema;
  const converted: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key === 'example') continue;
    if (key === '$ref' && typeof value === 'string') {
      converted.$ref = value.replace('#/components/schemas/', '#/definitions/');
    } else if (key === 'properties' && typeof value === 'object' && value !== null) {
      converted.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, toJsonSchema(property)]),
      );
    } else {
      converted[key] = toJsonSchema(value);
    }
  }
  if (converted.properties !== undefined && converted.additionalProperties === undefined) {
    converted.additionalProperties = false;
  }
  return source.nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
}

function mediaTypeOf(response: ResponseLike): string | undefined {
  const header = response.headers['content-type'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(';')[0].trim().toLowerCase();
}

function hasBody(response: ResponseLike): boolean {
  const length = response.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return typeof response.text === 'string' && response.text.length > 0;
}

function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

export class OpenApiContract {
  private readonly routes: Route[] = [];
  private readonly ajv: Ajv;
  private readonly definitions: unknown;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocumentLike) {
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        const names = template.match(/\{[^}]+\}/g) ?? [];
        const literal = template
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
          .join('([^/]+)');
        this.routes.push({
          method,
          template,
          pattern: new RegExp(`^${literal}/?$`),
          params: names.length,
          operation: operation as OperationObject,
        });
      }
    }
    // A literal segment beats a parameter: POST /reads/next is not POST /reads/{id}.
    this.routes.sort((a, b) => a.params - b.params);
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.definitions = toJsonSchema(document.components?.schemas ?? {});
  }

  /** The documented operation a request reaches, if any. */
  route(method: string, url: string): Route | undefined {
    const path = new URL(url, 'http://salt.invalid').pathname;
    const lower = method.toLowerCase();
    return this.routes.find((route) => route.method === lower && route.pattern.test(path));
  }

  /** Why the response breaks the contract; empty when it keeps it (or is no operation's). */
  problems(method: string, url: string, response: ResponseLike): string[] {
    const route = this.route(method, url);
    if (!route) return [];
    const name = `${method.toUpperCase()} ${route.template}`;
    const declared = route.operation.responses[String(response.status)];
    if (!declared) {
      const statuses = Object.keys(route.operation.responses).join(', ');
      return [
        `${name} answered ${response.status}, which the OpenAPI document does not declare ` +
          `(it declares ${statuses}); body: ${JSON.stringify(response.body)}`,
      ];
    }
    const content = declared.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      return hasBody(response)
        ? [`${name} ${response.status} declares no body but one was sent`]
        : [];
    }
    const mediaType = mediaTypeOf(response);
    if (!mediaType || !mediaTypes.includes(mediaType)) {
      return [
        `${name} ${response.status} sent content type ${mediaType ?? '(none)'}; ` +
          `the document lists ${mediaTypes.join(', ')}`,
      ];
    }
    const schema = content[mediaType].schema;
    if (!isJson(mediaType) || !schema) return [];
    const validate = this.validator(`${name} ${response.status} ${mediaType}`, schema);
    if (validate(response.body)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${name} ${response.status} body${error.instancePath} ${error.message ?? 'is invalid'}` +
        (error.keyword === 'additionalProperties'
          ? `: ${String((error.params as { additionalProperty?: string }).additionalProperty)}`
          : ''),
    );
  }

  private validator(key: string, schema: Schema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile({
        ...(toJsonSchema(schema) as Schema),
        definitions: this.definitions,
      });
      this.validators.set(key, validate);
    }
    return validate;
  }
}

type Agent = ReturnType<typeof request>;

/**
 * Wraps a supertest agent so that every request it makes is checked against the contract when
 * its response arrives, whatever the test then awaits or asserts.
 */
export function contractChecked(agent: Agent, contract: OpenApiContract): Agent {
  const methods = agent as unknown as Record<string, (url: string) => request.Test>;
  const checked: Record<string, unknown> = { ...methods };
  for (const method of METHODS) {
    const make = methods[method];
    if (typeof make !== 'function') continue;
    checked[method] = (url: string) =>
      make(url).expect((response: ResponseLike) => {
        const problems = contract.problems(method, url, response);
        if (problems.length > 0) {
          throw new Error(`response breaks the OpenAPI contract:\n  ${problems.join('\n  ')}`);
        }
      });
  }
  checked.del = checked.delete;
  return checked as unknown as Agent;
}
