# Hookrelay image: `docker build -t hookrelay .` then `docker compose up` (compose.yaml).
#
# Stage 1 builds with the dev dependencies and packs the app exactly as `npm pack` publishes it.
# Stage 2 installs only the runtime dependencies of that pack (`npm ci --omit=dev`) from a
# lockfile pruned from the repository's, so the image runs the versions the tests ran.
# server/test/e2e/packaging.test.ts runs these commands and the CMD below outside Docker.

FROM node:20-bookworm-slim AS build
WORKDIR /src
# Manifests first: the dependency layer is reused until they change.
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY dashboard/package.json dashboard/
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm pack --ignore-scripts --pack-destination /tmp
# The runtime manifest: the packed package.json without scripts, dev dependencies or workspaces,
# and the repository's lockfile pruned to what remains (versions unchanged, nothing re-resolved).
WORKDIR /app
RUN tar -xzf /tmp/hookrelay-*.tgz --strip-components=1 \
 && cp /src/package-lock.json . \
 && npm pkg delete scripts devDependencies workspaces \
 && npm install --package-lock-only --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
# The port is the default 8071, or HOOKRELAY_PORT / PORT (as platforms that assign one set it).
ENV NODE_ENV=production \
    HOOKRELAY_HOST=0.0.0.0 \
    HOOKRELAY_DATA_DIR=/data
WORKDIR /app
# The app stays owned by root: the server process (user node) can read it but not change it.
COPY --from=build /app ./
RUN npm ci --omit=dev \
 && npm cache clean --force \
 && mkdir -p /data && chown node:node /data && chmod 700 /data
# On SQLite the database and its data key (secret.key) live here: back them up together.
VOLUME ["/data"]
USER node
EXPOSE 8071
# /healthz answers 200 when the store is reachable and 503 when it is not; asked on the port the
# server chose by the same rule as config.ts (HOOKRELAY_PORT, then PORT, then 8071).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HOOKRELAY_PORT || process.env.PORT || 8071) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server/dist/main.js"]
