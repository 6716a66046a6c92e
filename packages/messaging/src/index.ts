export * from './broker.js';
export * from './consumer.js';
export * from './contracts.js';
export * from './dead-letters.js';
export * from './entities.js';
export * from './outbox.js';
export * from './relay.js';
export * from './tap.js';
