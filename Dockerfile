# syntax=docker/dockerfile:1
# One image per service, from one file:
#   docker build --build-arg APP=user .      (user | order | payment)
# docker-compose.yml builds the three. The final image holds the production node_modules and the
# compiled service only, runs as the unprivileged `node` user, and node is PID 1: the service
# handles SIGTERM itself (readiness 503, drain, close pools) and exits 0.

FROM node:24-bookworm-slim AS build
ARG APP
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json ./
COPY libs libs
COPY apps apps
RUN case "$APP" in user|order|payment) ;; *) echo "build with --build-arg APP=user|order|payment (got '$APP')" >&2; exit 1 ;; esac \
 && npx nest build "$APP"

FROM node:24-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ARG APP
# DATA_DIR: where the embedded database would live if the container is started without
# DATABASE_URL; the node user can write there, not under /app.
ENV NODE_ENV=production \
    APP=${APP} \
    DATA_DIR=/home/node/data
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/${APP} ./dist/apps/${APP}
# Exec-form CMD takes no build arguments, so main.js names the service's entry point:
# node resolves the link and runs dist/apps/${APP}/apps/${APP}/src/main.js as the main module.
RUN ln -s "dist/apps/${APP}/apps/${APP}/src/main.js" main.js
USER node
# Readiness of this service on its port (PORT, else its default) under its own prefix; node's
# fetch, as slim images have no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "const [port, prefix] = { user: [3001, 'users'], order: [3002, 'orders'], payment: [3003, 'payments'] }[process.env.APP]; fetch('http://127.0.0.1:' + (process.env.PORT || port) + '/' + prefix + '/health', { signal: AbortSignal.timeout(4000) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1));"]
CMD ["node", "main.js"]
