# Berth: the broker service. Built from source (npm ci, build), started with `npm start`.
# Data (the SQLite file when DATABASE_URL is unset, later Pulumi state and work dirs) lives in /var/lib/berth.
FROM node:20-bookworm-slim

# better-sqlite3 ships prebuilt binaries for linux/glibc; the toolchain is the fallback when none matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Only what the build needs (the host's node_modules and dist never enter the image).
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
COPY providers ./providers
COPY migrations ./migrations
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && mkdir -p /var/lib/berth \
  && chown node:node /var/lib/berth

# A ceiling on V8's old generation: at 10,000 applications the live heap is ~125 MiB, and without a ceiling garbage
# piles up to ~600 MiB of RSS under a burst of PUTs before V8 collects it (docs/performance.md). Override NODE_OPTIONS
# to size it for another load.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=384 \
    BERTH_HOST=0.0.0.0 \
    BERTH_PORT=8080 \
    BERTH_DATA_DIR=/var/lib/berth

USER node
EXPOSE 8080
VOLUME ["/var/lib/berth"]

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.BERTH_PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The build is newer than every source, so `npm start`'s build-if-stale step only checks and starts.
CMD ["npm", "start"]
