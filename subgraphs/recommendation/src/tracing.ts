// First import of main.ts: the SDK must be running before http, pg and graphql are loaded (see @shop/kit/tracing).
import { startTracing } from '@shop/kit/tracing';

startTracing('recommendation');
