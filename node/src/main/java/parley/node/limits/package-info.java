/**
 * Rate limits: the token bucket (messages, sign-ups, typing and receipts) and the failure backoff (logins), and what a
 * node keeps per client address. Per-user limits live in the user's entity, where the account lives.
 */
package parley.node.limits;
