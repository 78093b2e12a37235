/** @module support — small model-agnostic helpers shared by several stages (no stage logic lives here). */
export { createSeededRandom } from './seeded-random.js';
export { describeRunIdentityDifference, fileDigest, findRunIdentityDifference, runIdentityDigest, type RunIdentityDifference } from './run-identity.js';
export { redactUrlPassword } from './redact-url-password.js';
