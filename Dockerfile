# syntax=docker/dockerfile:1
# crossmargin: indexer + GraphQL API in one image. Multi-stage: dependencies and generated code are built once,
# the runtime stage carries only what it runs, as a non-root user. (BuildKit reads the syntax line only as the
# file's first line.)

# Node 22, the LTS CI also runs the tests on (Node 20's life ended on 2026-04-30); an exact version, so a rebuild
# gets the Node that was tested.
ARG NODE_IMAGE=node:22.23.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies first (cached while only sources change); generation needs the sources, so it runs after COPY.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run generate && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# It listens beyond loopback (published ports), so API keys are required: a start without them is refused.
ENV NODE_ENV=production \
    CROSSMARGIN_DATA_DIR=/data/pgdata \
    CROSSMARGIN_HOST=0.0.0.0 \
    CROSSMARGIN_REQUIRE_API_KEY=1
WORKDIR /app
RUN groupadd --system crossmargin && useradd --system --gid crossmargin --home /app crossmargin \
    && mkdir -p /data && chown crossmargin:crossmargin /data
COPY --from=build --chown=crossmargin:crossmargin /app /app
USER crossmargin
EXPOSE 4000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:4000/healthz').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"
ENTRYPOINT ["node", "--import", "tsx", "scripts/start.ts"]
CMD ["--config", "/config/crossmargin.yaml"]
