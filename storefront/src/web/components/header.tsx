import { useMutation, useQuery } from '@apollo/client/react';
import { LOGOUT_MUTATION, ME_QUERY } from '../api/documents';
import { useSession, useShop } from '../context';
import { Link, navigate } from '../router';

export function Header() {
  const session = useSession();
  const { sessions, api } = useShop();
  const { data } = useQuery(ME_QUERY, { skip: !session });
  const [logout] = useMutation(LOGOUT_MUTATION);
  const signOut = async () => {
    const current = sessions.get();
    sessions.set(null);
    // Revoke on the server too; signed out locally whatever it answers.
    if (current) await logout({ variables: { refreshToken: current.refreshToken }, context: { anonymous: true } }).catch(() => undefined);
    api.ws.terminate();
    await api.client.clearStore();
    navigate('/');
  };
  const me = data?.me ?? null;
  const user = me ?? session?.user ?? null;
  const count = me?.cart.itemCount;
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        Shop
      </Link>
      <nav aria-label="Account">
        <ul>
          {session && user ? (
            <>
              <li className="user-name">{user.name}</li>
              <li>
                <Link to="/cart">Cart{count !== undefined ? ` (${count})` : ''}</Link>
              </li>
              <li>
                <Link to="/orders">Orders</Link>
              </li>
              {user.role === 'ADMIN' ? (
                <li>
                  <Link to="/admin">Admin</Link>
                </li>
              ) : null}
              {user.role === 'SELLER' ? (
                <li>
                  <Link to="/sell">Sell</Link>
                </li>
              ) : null}
              <li>
                <button type="button" onClick={() => void signOut()}>
                  Sign out
                </button>
              </li>
            </>
          ) : (
            <>
              <li>
                <Link to="/login">Sign in</Link>
              </li>
              <li>
                <Link to="/register">Create account</Link>
              </li>
            </>
          )}
        </ul>
      </nav>
    </header>
  );
}
