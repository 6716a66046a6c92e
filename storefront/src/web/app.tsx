import { useEffect, type ReactNode } from 'react';
import { Header } from './components/header';
import { useSession } from './context';
import { AdminPage } from './pages/admin';
import { CartPage } from './pages/cart';
import { CataloguePage } from './pages/catalogue';
import { LoginPage, RegisterPage } from './pages/account';
import { OrderPage } from './pages/order';
import { OrdersPage } from './pages/orders';
import { ProductPage } from './pages/product';
import { SellPage } from './pages/sell';
import { Link, useLocation, type Location } from './router';

function route(location: Location, signedIn: boolean): { title: string; page: ReactNode } {
  const { path } = location;
  const needsSignIn = (title: string, page: ReactNode) =>
    signedIn ? { title, page } : { title: 'Sign in', page: <LoginPage next={path} /> };
  if (path === '/') return { title: 'Catalogue', page: <CataloguePage location={location} /> };
  if (path === '/login') return { title: 'Sign in', page: <LoginPage next={location.params.get('next') ?? '/'} /> };
  if (path === '/register') return { title: 'Create account', page: <RegisterPage /> };
  if (path === '/cart') return needsSignIn('Cart', <CartPage />);
  if (path === '/orders') return needsSignIn('Your orders', <OrdersPage />);
  if (path === '/admin') return needsSignIn('Admin', <AdminPage />);
  if (path === '/sell') return needsSignIn('Sell', <SellPage />);
  const product = /^\/products\/([^/]+)$/.exec(path);
  if (product) return { title: 'Product', page: <ProductPage id={decodeURIComponent(product[1]!)} /> };
  const order = /^\/orders\/([^/]+)$/.exec(path);
  if (order) return needsSignIn('Order', <OrderPage id={decodeURIComponent(order[1]!)} />);
  return {
    title: 'Not found',
    page: (
      <>
        <h1>Page not found</h1>
        <p>
          There is nothing at this address. <Link to="/">Back to the catalogue</Link>
        </p>
      </>
    ),
  };
}

export function App() {
  const location = useLocation();
  const session = useSession();
  const { title, page } = route(location, session !== null);
  useEffect(() => {
    document.title = `${title} · Shop`;
  }, [title]);
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
