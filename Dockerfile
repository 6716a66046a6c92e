# One image recipe for every service: `docker build --target <user|product|cart|order|gateway> .`
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/kit/package.json packages/kit/
COPY packages/sdk/package.json packages/sdk/
COPY subgraphs/user/package.json subgraphs/user/
COPY subgraphs/product/package.json subgraphs/product/
COPY subgraphs/cart/package.json subgraphs/cart/
COPY subgraphs/order/package.json subgraphs/order/
COPY schema/package.json schema/
COPY gateway/package.json gateway/
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json turbo.json ./
COPY packages packages
COPY subgraphs subgraphs
COPY schema schema
COPY gateway gateway
RUN npx tsc -b

FROM deps AS prod-deps
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=prod-deps /app/package.json ./
COPY --from=build /app/packages/kit/package.json packages/kit/
COPY --from=build /app/packages/kit/dist packages/kit/dist
USER node

FROM runtime AS user
COPY --from=build /app/subgraphs/user/package.json subgraphs/user/
COPY --from=build /app/subgraphs/user/dist subgraphs/user/dist
EXPOSE 4001
CMD ["node", "--enable-source-maps", "subgraphs/user/dist/src/main.js"]

FROM runtime AS product
COPY --from=build /app/subgraphs/product/package.json subgraphs/product/
COPY --from=build /app/subgraphs/product/dist subgraphs/product/dist
EXPOSE 4002
CMD ["node", "--enable-source-maps", "subgraphs/product/dist/src/main.js"]

FROM runtime AS cart
COPY --from=build /app/subgraphs/cart/package.json subgraphs/cart/
COPY --from=build /app/subgraphs/cart/dist subgraphs/cart/dist
EXPOSE 4003
CMD ["node", "--enable-source-maps", "subgraphs/cart/dist/src/main.js"]

FROM runtime AS order
COPY --from=build /app/subgraphs/order/package.json subgraphs/order/
COPY --from=build /app/subgraphs/order/dist subgraphs/order/dist
EXPOSE 4004
CMD ["node", "--enable-source-maps", "subgraphs/order/dist/src/main.js"]

FROM runtime AS gateway
COPY --from=build /app/gateway/package.json gateway/
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/schema/supergraph.graphql schema/supergraph.graphql
EXPOSE 4000
CMD ["node", "--enable-source-maps", "gateway/dist/src/main.js"]
