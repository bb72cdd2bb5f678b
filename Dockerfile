# One image for both apps; the command chooses the app:
#   api (default CMD):  node --max-semi-space-size=2 dist/apps/api/apps/api/src/main.js
#   worker:             node dist/apps/worker/apps/worker/src/main.js
# The ECS stack (deploy/lib/container-commands.ts) runs exactly these. There is no Docker
# engine in CI: `npm run test:dockerfile` executes this file's RUN and CMD lines in a clean
# copy of the build context and lints it, so keep every step a plain shell command.
# The Node the project ships on and is tested on (.node-version; the Lambda functions run
# its line too). A test fails when this disagrees with .node-version.
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a source change reuses the cached install layer.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.22.3-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and only readable by the app's user: the process cannot rewrite its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/apps ./dist/apps
USER node
EXPOSE 3000 3001
# The api's /health on 3000; the worker sets HEALTHCHECK_PORT=3001 (its WORKER_HEALTH_PORT).
# Failures in the first 30 s (the app starting) do not count against the retries.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTHCHECK_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=2", "dist/apps/api/apps/api/src/main.js"]
