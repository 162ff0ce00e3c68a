import { INestApplication, INestApplicationContext, RequestMethod } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { json, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { BlindedImageFastPath } from './blinded-images/blinded-image-fast-path';
import { ApiValidationPipe } from './common/api-validation.pipe';
import { DomainError } from './common/domain-error';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { declareAppWideErrors, OPENAPI_TAGS, PUBLIC_OPERATION } from './common/openapi';
import { rejectDeepJson } from './common/json-depth';
import { MediaTypeInterceptor } from './common/media-type.interceptor';
import { RequestContext } from './common/request-context';
import { refuseCrossSiteWrites } from './common/same-origin';
import { AppConfig } from './config/app-config';
import { HttpMetrics } from './metrics/http-metrics';
import { METRICS_PATH, MetricsHttp } from './metrics/metrics.http';
import { QUEUE_BOARD_PATH, QueueBoard } from './queue-board/queue-board';
import { createLogger, httpLogger, PinoLoggerService, requestIdOf } from './logging';
import { serveWebApp } from './web-app';

export const API_PREFIX = 'api/v1';

/**
 * Validation errors list one message per field, e.g. "top must not be greater than 100". Text
 * that cannot be stored (NUL, lone surrogates) is refused first, in the same pipe.
 */
export const validationPipe = new ApiValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) =>
    new DomainError(
      'invalid',
      errors.flatMap(function messages(error): string[] {
        const own = Object.values(error.constraints ?? {});
        const nested = (error.children ?? []).flatMap(messages);
        return [...own, ...nested];
      }),
    ),
});

export async function createHttpApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
    abortOnError: false,
    // Only the JSON parser below: no urlencoded parser, so a form post never reaches a route.
    bodyParser: false,
  });
  const logger = createLogger(config);
  app.useLogger(new PinoLoggerService(logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
        },
      },
      // Image URLs must never be sent to another site in a Referer header.
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(app.get(HttpMetrics).middleware());
  // Serves a reader's own images ahead of the access log and Nest (blinded-image-fast-path.ts).
  app.use(app.get(BlindedImageFastPath).handler(`/${API_PREFIX}`, logger));
  app.use(cookieParser());
  app.use((request: Request & { id?: string }, response: Response, next: NextFunction) => {
    // Runs before the access log's middleware, which then reuses this id on its line.
    const requestId = requestIdOf(request);
    request.id = requestId;
    response.setHeader('X-Request-Id', requestId);
    RequestContext.run(
      { requestId, ip: request.ip, userAgent: request.headers['user-agent'] },
      next,
    );
  });
  app.use(httpLogger(logger));
  app.use(refuseCrossSiteWrites(config.publicOrigin));
  app.use(json({ limit: '1mb', verify: rejectDeepJson }));
  setApiPrefix(app);
  app.useGlobalPipes(validationPipe);
  app.useGlobalInterceptors(new MediaTypeInterceptor(app.get(Reflector)));
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();

  SwaggerModule.setup('api/docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });
  // Operations pages, outside /api and ahead of the web app's fallback, which answers any GET.
  const express = app.getHttpAdapter().getInstance();
  express.get(METRICS_PATH, app.get(MetricsHttp).publicHandler());
  app.use(QUEUE_BOARD_PATH, ...app.get(QueueBoard).handlers());
  serveWebApp(app, config);
  return app;
}

/** Routes live under /api/v1; the OpenAPI UI and document stay at /api/docs. */
export function setApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'api/docs', method: RequestMethod.ALL }] });
}

/**
 * The API's contract, from the controllers' decorators. Served at /api/docs-json, written to
 * docs/openapi.json by `npm run openapi:document`, and held against real responses in the e2e
 * suite (test/support/openapi-contract.ts).
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('salt-reader')
    .setDescription('Blinded double reading of scalp photographs with SALT scoring')
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('/')
    .addCookieAuth('salt_session')
    .addBearerAuth()
    // Either credential will do: the session cookie (browser) or a personal API token.
    .addSecurityRequirements('cookie')
    .addSecurityRequirements('bearer');
  for (const [name, description] of OPENAPI_TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  // Swagger drops an empty per-operation security list, so public routes carry a mark instead.
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations as Record<string, Record<string, unknown>>)) {
      if (typeof operation !== 'object' || !(PUBLIC_OPERATION in operation)) continue;
      delete operation[PUBLIC_OPERATION];
      operation.security = [];
    }
  }
  declareAppWideErrors(document);
  return document;
}

/** A worker process: the same modules, no HTTP server. */
export async function createWorkerContext(config: AppConfig): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(AppModule.register(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  context.useLogger(new PinoLoggerService(createLogger(config)));
  context.enableShutdownHooks();
  return context;
}
