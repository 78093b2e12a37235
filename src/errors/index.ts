/** @module errors — the base error with stable codes; see hangjia-error.ts. */
export { HangjiaError, USAGE_ERROR_CODES } from './hangjia-error.js';
