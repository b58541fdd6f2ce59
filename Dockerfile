# syntax=docker/dockerfile:1
# Relay chat: one image runs one node (pages, REST API and Socket.IO on port 3000).
# Written and validated by reading only: no Docker engine was available where it was made.

# Build tools for native addons (better-sqlite3 builds from source when no prebuilt binary fits).
FROM node:20-slim AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/
COPY backend/package.json backend/
COPY frontend/package.json frontend/

# Everything, dev dependencies included, to compile TypeScript and build the Next.js app.
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY protocol protocol
COPY backend backend
COPY frontend frontend
RUN npm run build && rm -rf frontend/.next/cache

# Production dependencies only; this stage holds nothing but manifests and node_modules.
FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
  NEXT_TELEMETRY_DISABLED=1 \
  HOST=0.0.0.0 \
  PORT=3000 \
  DATA_DIR=/data
WORKDIR /app
COPY --from=prod-deps /app ./
COPY --from=build /app/protocol/dist protocol/dist
COPY --from=build /app/backend/dist backend/dist
COPY --from=build /app/frontend/.next frontend/.next
COPY --from=build /app/frontend/next.config.ts frontend/
# The image's `node` user (uid 1000) owns only the data dir: SQLite file, uploads, dev secret.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# main.ts handles SIGTERM: stop accepting, finish in-flight writes, close sockets, exit.
# --single-threaded-gc: V8 collects on the event loop's thread instead of taking turns with
# it on a busy core (docs/performance.md, item 31).
CMD ["node", "--single-threaded-gc", "backend/dist/main.js"]
