import { useMutation } from '@apollo/client/react';
import { useId, useState, type FormEvent } from 'react';
import { LOGIN_MUTATION, REGISTER_MUTATION } from '../api/documents';
import { ErrorAlert } from '../components/error-alert';
import { useShop } from '../context';
import type { StoreAuthFragment } from '../gql/graphql';
import { Link, navigate } from '../router';

function useSignIn() {
  const { sessions, api } = useShop();
  return async (auth: StoreAuthFragment, next: string) => {
    // Whatever the previous user left in the cache is theirs, not this user's.
    await api.client.clearStore();
    sessions.set(sessions.fromAuth(auth));
    navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
  };
}

export function Field({ label, ...input }: { label: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} required {...input} />
    </div>
  );
}

export function LoginPage({ next }: { next: string }) {
  const [login, { loading, error }] = useMutation(LOGIN_MUTATION);
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await login({ variables: { email, password }, context: { anonymous: true } }).catch(() => ({ data: undefined }));
    if (data) await signIn(data.login, next);
  };
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorAlert error={error} />
        <button type="submit" disabled={loading}>
          {loading ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link to="/register">Create an account</Link>
      </p>
    </section>
  );
}

export function RegisterPage() {
  const [register, { loading, error }] = useMutation(REGISTER_MUTATION);
  const signIn = useSignIn();
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const set = (key: keyof typeof form) => (event: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: event.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await register({ variables: { input: form }, context: { anonymous: true } }).catch(() => ({ data: undefined }));
    if (data) await signIn(data.register, '/');
  };
  return (
    <section className="narrow">
      <h1>Create account</h1>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Name" autoComplete="name" value={form.name} onChange={set('name')} />
        <Field label="Email" type="email" autoComplete="email" value={form.email} onChange={set('email')} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          aria-describedby="password-hint"
          value={form.password}
          onChange={set('password')}
        />
        <p id="password-hint" className="muted">
          At least 8 characters.
        </p>
        <ErrorAlert error={error} />
        <button type="submit" disabled={loading}>
          {loading ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </section>
  );
}
