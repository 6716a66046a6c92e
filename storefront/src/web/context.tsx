import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Api } from './apollo';
import type { Session, SessionStore } from './session';

export interface Shop {
  api: Api;
  sessions: SessionStore;
}

export const ShopContext = createContext<Shop | null>(null);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error('useShop outside <ShopContext>');
  return shop;
}

export function useSession(): Session | null {
  const { sessions } = useShop();
  return useSyncExternalStore(
    (onChange) => sessions.subscribe(onChange),
    () => sessions.get(),
  );
}
