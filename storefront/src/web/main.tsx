import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './apollo';
import { App } from './app';
import { loadConfig } from './config';
import { ShopContext } from './context';
import { SessionStore } from './session';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

async function start() {
  const config = await loadConfig();
  const sessions = new SessionStore();
  const api = createApi(config, sessions);
  // A token that expired while the tab was closed is swapped before the first request, which would otherwise be refused.
  const saved = sessions.get();
  if (saved && saved.expiresAt - Date.now() < 5_000) await api.refresh();
  api.keepFresh();
  root.render(
    <StrictMode>
      <ShopContext value={{ api, sessions }}>
        <ApolloProvider client={api.client}>
          <App />
        </ApolloProvider>
      </ShopContext>
    </StrictMode>,
  );
}

start().catch(() => {
  root.render(
    <main>
      <h1>Shop</h1>
      <p role="alert">The shop could not start: its configuration could not be loaded. Please reload the page.</p>
    </main>,
  );
});
