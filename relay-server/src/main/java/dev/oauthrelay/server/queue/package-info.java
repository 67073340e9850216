/**
 * Queue operations for operators: the admin API's {@code /queue} routes and the JSON they speak,
 * which the {@code relay queue} command reads too (from the running relay, or built from the spool
 * directly when the relay is stopped). The delivery scheduler carries out every change.
 */
package dev.oauthrelay.server.queue;
