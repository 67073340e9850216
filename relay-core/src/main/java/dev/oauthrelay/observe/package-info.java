/**
 * What the relay reports about its own work (sessions, replies, messages, deliveries, tokens) to
 * whoever watches it: metrics, the audit log, the device inventory. Observers only listen; nothing
 * on the data path waits for them or depends on what they do.
 */
package dev.oauthrelay.observe;
