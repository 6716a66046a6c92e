import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { describeError } from './errors';

const graphqlError = (code: string, message: string, extensions: Record<string, unknown> = {}) =>
  new CombinedGraphQLErrors({ data: null, errors: [{ message, extensions: { code, ...extensions } }] });

describe('describeError: what a person is told', () => {
  it('names the product and what is left when stock runs short, from the checkout error or the page', () => {
    assert.equal(
      describeError(graphqlError('OUT_OF_STOCK', 'Only 2 of Lamp left', { productName: 'Lamp', available: 2, requested: 3 })),
      'Not enough stock: only 2 units of Lamp left.',
    );
    // The cart's error carries no name; the page knows which product it asked about.
    assert.equal(
      describeError(graphqlError('OUT_OF_STOCK', 'Only 1 of Mug left', { available: 1 }), { productName: 'Mug' }),
      'Not enough stock: only 1 unit of Mug left.',
    );
    assert.equal(describeError(graphqlError('OUT_OF_STOCK', 'x', { productName: 'Vase', available: 0 })), 'Vase is out of stock.');
  });

  it('says when to retry a rate-limited request, inside a 200 answer or a refused (429) one', () => {
    assert.equal(
      describeError(graphqlError('RATE_LIMITED', 'Too many requests: try again in 12 s', { retryAfterSeconds: 12 })),
      'Too many requests. Please try again in 12 seconds.',
    );
    const body = JSON.stringify({ errors: [{ message: 'Too many', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 } }] });
    const refused = new ServerError('Response not successful: Received status code 429', {
      response: new Response(body, { status: 429 }),
      bodyText: body,
    });
    assert.equal(describeError(refused), 'Too many requests. Please try again in 1 second.');
    const bare = new ServerError('429', { response: new Response('slow down', { status: 429 }), bodyText: 'slow down' });
    assert.equal(describeError(bare), 'Too many requests. Please wait a moment and try again.');
  });

  it('has a sentence for every other documented code', () => {
    assert.equal(describeError(graphqlError('UNAUTHENTICATED', 'Invalid e-mail or password')), 'The email or password is not right.');
    assert.equal(describeError(graphqlError('UNAUTHENTICATED', 'Sign in first')), 'Please sign in (again) to continue.');
    assert.equal(describeError(graphqlError('FORBIDDEN', 'Admins only')), 'Your account is not allowed to do that.');
    assert.equal(
      describeError(graphqlError('BAD_USER_INPUT', 'password: must be at least 8 characters')),
      'Please check what you entered: password: must be at least 8 characters',
    );
    assert.equal(describeError(graphqlError('NOT_FOUND', 'Order x was not found')), 'That could not be found. It may have been removed.');
    assert.equal(describeError(graphqlError('CART_EMPTY', 'empty')), 'Your cart is empty: add something before placing an order.');
    assert.equal(describeError(graphqlError('CONFLICT', 'That e-mail is already registered')), 'That e-mail is already registered');
    assert.match(describeError(graphqlError('QUERY_TOO_COMPLEX', 'cost 60000 > 50000')), /too large/);
    assert.match(describeError(graphqlError('SERVICE_UNAVAILABLE', 'The cart service is unavailable right now')), /unavailable right now/);
    assert.equal(describeError(graphqlError('SOMETHING_NEW', 'A new rule said no')), 'A new rule said no');
  });

  it('tells an unreachable gateway from anything else, and says each distinct problem once', () => {
    assert.match(describeError(new TypeError('Failed to fetch')), /cannot be reached/);
    assert.equal(describeError(new Error('boom')), 'Something went wrong. Please try again.');
    const twice = new CombinedGraphQLErrors({
      data: null,
      errors: [
        { message: 'a', extensions: { code: 'FORBIDDEN' } },
        { message: 'b', extensions: { code: 'FORBIDDEN' } },
      ],
    });
    assert.equal(describeError(twice), 'Your account is not allowed to do that.');
  });
});
