# syntax=docker/dockerfile:1
# One recipe for every service: `docker build --target <user|product|cart|order|recommendation|gateway|storefront> .` (compose does this).
FROM node:22-bookworm-slim AS base
WORKDIR /app

# Manifests only, so the install layers are rebuilt when a package.json or the lockfile changes, not on every edit.
# A new workspace must be added here too: npm ci refuses a lockfile whose workspaces are missing.
FROM base AS manifests
COPY package.json package-lock.json ./
COPY packages/kit/package.json packages/kit/
COPY packages/messaging/package.json packages/messaging/
COPY packages/sdk/package.json packages/sdk/
COPY subgraphs/user/package.json subgraphs/user/
COPY subgraphs/product/package.json subgraphs/product/
COPY subgraphs/cart/package.json subgraphs/cart/
COPY subgraphs/order/package.json subgraphs/order/
COPY subgraphs/recommendation/package.json subgraphs/recommendation/
COPY workers/notification/package.json workers/notification/
COPY workers/payment/package.json workers/payment/
COPY schema/package.json schema/
COPY gateway/package.json gateway/
COPY storefront/package.json storefront/
COPY bench/package.json bench/

FROM manifests AS deps
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

FROM manifests AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json ./
COPY packages packages
COPY subgraphs subgraphs
COPY schema schema
COPY gateway gateway
COPY workers workers
RUN npx tsc -b
COPY storefront storefront
RUN npm run build -w @shop/storefront

FROM base AS runtime-base
ENV NODE_ENV=production
# All of /app, not just /app/node_modules: npm nests some packages inside a workspace (packages/kit/node_modules holds
# the @graphql-tools/utils 10 that kit needs; the hoisted copy is a dev-only 11), and the @shop/* links point into it.
COPY --from=prod-deps /app ./
COPY --from=build /app/packages/kit/dist/src packages/kit/dist/src
COPY --from=build /app/packages/messaging/dist/src packages/messaging/dist/src
# Where the notification worker writes mails when no SMTP server is configured, and SMS with SMS_TRANSPORT=file.
RUN mkdir -p /var/mail/shop /var/sms/shop && chown node /var/mail/shop /var/sms/shop
USER node

FROM runtime-base AS user
COPY --from=build /app/subgraphs/user/dist/src subgraphs/user/dist/src
EXPOSE 4001
CMD ["node", "subgraphs/user/dist/src/main.js"]

FROM runtime-base AS product
COPY --from=build /app/subgraphs/product/dist/src subgraphs/product/dist/src
EXPOSE 4002
CMD ["node", "subgraphs/product/dist/src/main.js"]

FROM runtime-base AS cart
COPY --from=build /app/subgraphs/cart/dist/src subgraphs/cart/dist/src
EXPOSE 4003
CMD ["node", "subgraphs/cart/dist/src/main.js"]

FROM runtime-base AS order
COPY --from=build /app/subgraphs/order/dist/src subgraphs/order/dist/src
EXPOSE 4004
CMD ["node", "subgraphs/order/dist/src/main.js"]

FROM runtime-base AS recommendation
COPY --from=build /app/subgraphs/recommendation/dist/src subgraphs/recommendation/dist/src
EXPOSE 4005
CMD ["node", "subgraphs/recommendation/dist/src/main.js"]

FROM runtime-base AS gateway
COPY --from=build /app/gateway/dist/src gateway/dist/src
# SUPERGRAPH_PATH defaults to ../../../schema/supergraph.graphql from gateway/dist/src; subscriptions validate
# against the client schema next to it.
COPY schema/supergraph.graphql schema/api.graphql schema/
EXPOSE 4000
CMD ["node", "gateway/dist/src/main.js"]

FROM runtime-base AS notification
COPY --from=build /app/workers/notification/dist/src workers/notification/dist/src
EXPOSE 4101
CMD ["node", "workers/notification/dist/src/main.js"]

FROM runtime-base AS payment
COPY --from=build /app/workers/payment/dist/src workers/payment/dist/src
EXPOSE 4102
CMD ["node", "workers/payment/dist/src/main.js"]

# The page is static (Vite's bundle); its server only needs zod, and hands the page its gateway URL at runtime.
FROM runtime-base AS storefront
COPY --from=build /app/storefront/dist/src/server storefront/dist/src/server
COPY --from=build /app/storefront/dist/public storefront/dist/public
EXPOSE 3000
CMD ["node", "storefront/dist/src/server/main.js"]
