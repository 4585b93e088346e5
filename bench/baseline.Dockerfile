# Naive single-stage baseline for `npm run bench:image` only (never deploy it): the build base,
# the whole context, install, build, start. The project's Dockerfile is measured against it.
ARG BUILD_BASE_IMAGE=node:24-trixie-slim
FROM ${BUILD_BASE_IMAGE}
WORKDIR /app
COPY . .
RUN corepack enable pnpm && pnpm install --frozen-lockfile
RUN pnpm build
ENV NODE_ENV=production HOSTNAME=0.0.0.0 PORT=3000
EXPOSE 3000
CMD ["pnpm", "start"]
