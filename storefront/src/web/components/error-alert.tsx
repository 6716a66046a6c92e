import { describeError } from '../errors';

/** An API error in words, announced by screen readers as it appears. */
export function ErrorAlert({ error, productName }: { error: unknown; productName?: string }) {
  if (!error) return null;
  return (
    <p role="alert" className="alert">
      {describeError(error, productName ? { productName } : {})}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}
