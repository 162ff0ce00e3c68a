import { NestExpressApplication } from '@nestjs/platform-express';
import { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from './config/app-config';

/**
 * Serves the built single-page app at / with history fallback: any GET outside /api that is not
 * a file gets index.html, so deep links like /reads/next survive a reload.
 */
export function serveWebApp(app: NestExpressApplication, config: AppConfig): void {
  const index = join(config.webDir, 'index.html');
  if (!existsSync(index)) return;
  app.useStaticAssets(config.webDir, { index: false, maxAge: '1h' });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || request.path.startsWith('/api')) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
}
