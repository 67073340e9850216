/**
 * Delivery of queued messages upstream: the contract with the upstream client, the one
 * classifier of attempt outcomes, retry scheduling and per-recipient state.
 */
package dev.oauthrelay.delivery;
