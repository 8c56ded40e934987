# syntax=docker/dockerfile:1
# One image per service, from one file:
#   docker build --build-arg APP=user .      (user | order | payment)
# docker-compose.yml builds the three. Every layer up to `ARG APP` is the same for the three
# images, so the dependencies are installed and cached once. The final image holds the production
# node_modules and the compiled service only, runs as the unprivileged `node` user, and node is
# PID 1: the service handles SIGTERM itself (readiness 503, drain, close pools) and exits 0.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json ./
COPY libs libs
COPY apps apps
ARG APP
RUN case "$APP" in user|order|payment) ;; *) echo "build with --build-arg APP=user|order|payment (got '$APP')" >&2; exit 1 ;; esac \
 && npx nest build "$APP"

# TypeScript is a peer of @nestjs/swagger for its build-time compiler plugin only, and PGlite is
# the embedded database of `npm start`: a container always has a DATABASE_URL.
FROM node:24-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --omit=dev --omit=peer --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/@electric-sql node_modules/.bin/tsc node_modules/.bin/tsserver

FROM node:24-bookworm-slim
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="nest-commerce" \
      org.opencontainers.image.description="nest-commerce service (user | order | payment), chosen by APP" \
      org.opencontainers.image.source="https://github.com/nest-commerce/nest-commerce" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/node:24-bookworm-slim"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
ARG APP
ENV APP=${APP}
LABEL org.opencontainers.image.title="nest-commerce-${APP}"
COPY --from=build /app/dist/apps/${APP} ./dist/apps/${APP}
# Exec-form CMD takes no build arguments, so main.js names the service's entry point:
# node resolves the link and runs dist/apps/${APP}/apps/${APP}/src/main.js as the main module.
# tracing.js is preloaded so OpenTelemetry (only when OTEL_EXPORTER_OTLP_ENDPOINT is set) sees every module load.
RUN ln -s "dist/apps/${APP}/apps/${APP}/src/main.js" main.js \
 && ln -s "dist/apps/${APP}/libs/tracing/src/preload.js" tracing.js
USER node
# Readiness of this service on its port (PORT, else its default) under its own prefix; node's
# fetch, as slim images have no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "const [port, prefix] = { user: [3001, 'users'], order: [3002, 'orders'], payment: [3003, 'payments'] }[process.env.APP]; fetch('http://127.0.0.1:' + (process.env.PORT || port) + '/' + prefix + '/health', { signal: AbortSignal.timeout(4000) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1));"]
# Stack traces point at the TypeScript sources through the .js.map files next to the build.
CMD ["node", "--enable-source-maps", "--require", "./tracing.js", "main.js"]
