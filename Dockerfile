# FibroTrack FHIR server image: built in one stage with the dev dependencies (TypeScript), run from dist/ in a
# second stage holding only the production dependencies, as the unprivileged `node` user.
# Build steps: docs/operations.md, "Containers" (tests/container-files.test.ts keeps the two the same).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/profiles/generated ./profiles/generated
COPY --from=build /app/profiles/vendor ./profiles/vendor
COPY --from=build /app/smart-app/public ./smart-app/public
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s CMD ["node", "-e", "fetch('http://127.0.0.1:8080/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=64", "dist/server/src/main.js", "serve"]
