import { randomBytes } from 'node:crypto';
import { generateSigningKey, publicJwk } from './auth.js';

// `npm run keys`: fresh production keys as .env lines. `npm run keys -- public '<private JWK>'` prints the public half,
// for USER_PREVIOUS_PUBLIC_KEYS when rotating.
const [command, argument] = process.argv.slice(2);
if (command === 'public') {
  if (!argument) throw new Error("usage: npm run keys -- public '<private JWK JSON>'");
  console.log(JSON.stringify(publicJwk(JSON.parse(argument))));
} else {
  const secret = () => randomBytes(32).toString('base64url');
  console.log(`USER_SIGNING_KEY='${JSON.stringify(generateSigningKey())}'`);
  console.log(`GATEWAY_TOKEN_SECRET=${secret()}`);
  console.log(`SERVICE_TOKEN_SECRET=${secret()}`);
  console.log(`PAYMENT_TOKEN_KEY=${randomBytes(32).toString('base64')}`);
}
