import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient, type Client } from 'graphql-ws';
import type { RuntimeConfig } from './config';
import { REFRESH_MUTATION } from './api/documents';
import type { SessionStore } from './session';

/** Ask for a new access token this long before the current one expires. */
const REFRESH_AHEAD_MS = 60_000;
const MIN_REFRESH_GAP_MS = 1_000;
/** After a refresh that failed for another reason than a refused session (the gateway unreachable), try again. */
const RETRY_REFRESH_MS = 10_000;

export interface Api {
  client: ApolloClient;
  ws: Client;
  /** Swaps the refresh token for a new pair; signs out when the server refuses it. */
  refresh(): Promise<void>;
  /** Keeps the access token fresh from now on; returns the stop function. */
  keepFresh(): () => void;
}

export function createApi(config: RuntimeConfig, sessions: SessionStore): Api {
  // Reads the token per request, so a refreshed token is used at once; a request marked anonymous sends none.
  const auth = new ApolloLink((operation, forward) => {
    const token = operation.getContext().anonymous ? null : sessions.get()?.accessToken;
    if (token) {
      operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
        headers: { ...headers, authorization: `Bearer ${token}` },
      }));
    }
    return forward(operation);
  });
  const http = new HttpLink({ uri: config.gatewayUrl });
  const ws = createClient({
    url: config.gatewayWsUrl,
    lazy: true,
    // Evaluated on every (re)connect, so a new socket always carries the current token.
    connectionParams: () => {
      const token = sessions.get()?.accessToken;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    retryAttempts: 10,
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    auth.concat(http),
  );
  const client = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        // Money has no id: it belongs to whatever holds it.
        Money: { keyFields: false },
        User: { fields: { cart: { merge: true } } },
      },
    }),
  });

  let refreshing: Promise<void> | null = null;
  const refresh = () => {
    refreshing ??= (async () => {
      const session = sessions.get();
      if (!session) return;
      try {
        const { data } = await client.mutate({
          mutation: REFRESH_MUTATION,
          variables: { refreshToken: session.refreshToken },
          context: { anonymous: true },
        });
        if (data) sessions.set(sessions.fromAuth(data.refreshSession));
        // The gateway closes a socket whose token expires (4401): start a new one with the new token now.
        ws.terminate();
      } catch (error) {
        // Only a refused session signs out; an outage leaves the session for the next attempt.
        const refused = CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
        if (refused) {
          sessions.set(null);
          await client.clearStore();
        }
      }
    })().finally(() => (refreshing = null));
    return refreshing;
  };

  const keepFresh = () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      const session = sessions.get();
      if (!session) return;
      const lifetime = session.expiresAt - Date.now();
      // Short-lived tokens (tests, strict deployments) are renewed at half their lifetime instead; never in a tight loop.
      const wait = Math.max(MIN_REFRESH_GAP_MS, lifetime - REFRESH_AHEAD_MS, lifetime / 2);
      timer = setTimeout(() => {
        void refresh().then(() => {
          if (sessions.get() === session) timer = setTimeout(schedule, RETRY_REFRESH_MS);
        });
      }, wait);
    };
    const unsubscribe = sessions.subscribe(schedule);
    schedule();
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  };

  return { client, ws, refresh, keepFresh };
}
