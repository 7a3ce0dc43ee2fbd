# syntax=docker/dockerfile:1
# Node 20: package.json's overrides keep cookie and content-disposition on releases that support it.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` builds with the dev toolchain, which the build stage already did.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY bin ./bin
# Defaults baked in, so that the image runs on its own; docker-compose.yml mounts the host's config/ and
# seeds/ over them (read-only), so that editing a feed or a subscriber needs a restart, not a rebuild.
COPY config ./config
COPY seeds ./seeds
USER node
# tini as PID 1 forwards SIGTERM so that workers finish their active jobs before the container stops.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/marsad.js"]
CMD ["run"]
