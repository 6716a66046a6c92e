export { compose, SUBGRAPHS } from './compose.js';
