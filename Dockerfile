# syntax=docker/dockerfile:1
# scripts/image-smoke.mjs runs this file's stages without a Docker engine (same commands, same
# flags, the same Node major), so keep to FROM, WORKDIR, ENV, COPY, RUN, USER, EXPOSE, VOLUME,
# HEALTHCHECK and CMD; it refuses anything else.

# Build stage: install everything, compile the server and the web app.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the slim image has no compiler, and none is needed. Native modules come as
# per-platform packages (@node-rs/argon2, @img/sharp-*) that npm picks without running anything.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY web ./web
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Runtime stage: production dependencies and the compiled output only, as an unprivileged user.
# The code stays owned by root, so the app cannot rewrite itself; only /data is the app's.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    STORAGE_DIR=/data/photos \
    WEB_DIR=/app/dist/web
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data/photos && chown -R node:node /data
USER node
EXPOSE 3000
# /data: the audit signing key made on first start; /data/photos: the photo store.
VOLUME ["/data", "/data/photos"]
# Readiness (Postgres, Redis, photo store). A worker (SALT_ROLE=worker) answers it on
# WORKER_HEALTH_PORT, which it must then be given. Kubernetes ignores this line: point its
# livenessProbe at /api/v1/health/live and its readinessProbe at /api/v1/health/ready.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD node -e "const w=process.env.SALT_ROLE==='worker';fetch('http://127.0.0.1:'+(w?process.env.WORKER_HEALTH_PORT:process.env.PORT||3000)+'/api/v1/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
