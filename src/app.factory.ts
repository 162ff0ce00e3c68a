import { INestApplicationContext, RequestMethod } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { json, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { AppModule } from './app.module';
import { ApiValidationPipe } from './common/api-validation.pipe';
import { DomainError } from './common/domain-error';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { rejectDeepJson } from './common/json-depth';
import { MediaTypeInterceptor } from './common/media-type.interceptor';
import { RequestContext } from './common/request-context';
import { refuseCrossSiteWrites } from './common/same-origin';
import { AppConfig } from './config/app-config';
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
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'api/docs', method: RequestMethod.ALL }] });
  app.useGlobalPipes(validationPipe);
  app.useGlobalInterceptors(new MediaTypeInterceptor(app.get(Reflector)));
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('salt-reader')
    .setDescription('Blinded double reading of scalp photographs with SALT scoring')
    .setVersion('1')
    .addCookieAuth('salt_session')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });
  serveWebApp(app, config);
  return app;
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
