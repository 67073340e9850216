/**
 * Microsoft Graph as a second upstream: {@code POST /users/{mailbox}/sendMail} with the stored
 * message as base64 MIME (a {@code Bcc:} added for envelope-only recipients, as Graph takes its
 * recipients from the header), or, for a message larger than one request may be, a draft plus
 * attachment uploads and {@code /send}. Tokens for the Graph scope come from their own cache;
 * HTTP status and Graph error codes become the same {@code AttemptResult}s the SMTP client
 * produces, so the one {@code OutcomeClassifier} decides; {@code Retry-After} (429, 503) sets
 * the retry time. Uses the JDK HTTP client, not the Graph SDK.
 */
package dev.oauthrelay.server.graph;
