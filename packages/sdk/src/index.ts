export * from './client.js';
export type * from './generated.js';
