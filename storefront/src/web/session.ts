import type { StoreAuthFragment, StoreViewerFragment } from './gql/graphql';

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms at which the access token stops working. */
  expiresAt: number;
  user: StoreViewerFragment;
}

const KEY = 'shop.session';
type Listener = (session: Session | null) => void;

/** The signed-in session, kept in localStorage so a reload stays signed in; read by the links on every request. */
export class SessionStore {
  private current: Session | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly storage: Storage = window.localStorage) {
    try {
      const saved = storage.getItem(KEY);
      this.current = saved ? (JSON.parse(saved) as Session) : null;
    } catch {
      this.current = null;
    }
  }

  get(): Session | null {
    return this.current;
  }

  set(session: Session | null): void {
    this.current = session;
    if (session) this.storage.setItem(KEY, JSON.stringify(session));
    else this.storage.removeItem(KEY);
    for (const listener of this.listeners) listener(session);
  }

  fromAuth(auth: StoreAuthFragment): Session {
    return {
      accessToken: auth.accessToken,
      refreshToken: auth.refreshToken,
      expiresAt: Date.now() + auth.expiresIn * 1000,
      user: auth.user,
    };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
