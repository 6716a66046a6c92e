import path from 'node:path';
import { loadStorefrontEnv } from './environment.js';
import { startStorefrontServer } from './static-server.js';

async function main() {
  const env = loadStorefrontEnv();
  const config = { gatewayUrl: env.GATEWAY_URL, gatewayWsUrl: env.GATEWAY_WS_URL };
  const root = path.resolve(__dirname, '../../public');
  const server = await startStorefrontServer({ root, port: env.STOREFRONT_PORT, config: () => config });
  console.log(JSON.stringify({ level: 'info', service: 'storefront', url: server.url, gateway: env.GATEWAY_URL, msg: 'storefront ready' }));
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
