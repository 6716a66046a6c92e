export interface RuntimeConfig {
  /** The gateway's HTTP endpoint, e.g. http://localhost:4000/graphql. */
  gatewayUrl: string;
  /** The same endpoint for graphql-ws subscriptions. */
  gatewayWsUrl: string;
}

/** Read at start-up from the server that serves the page, so one build works against any gateway. */
export async function loadConfig(): Promise<RuntimeConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return (await response.json()) as RuntimeConfig;
}
