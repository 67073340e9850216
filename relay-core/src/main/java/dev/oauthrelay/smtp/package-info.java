/**
 * SMTP protocol values: verbs, command and path parsing, and the one catalogue of replies with
 * enhanced status codes (RFC 5321, RFC 2034, RFC 3463, RFC 6531).
 */
package dev.oauthrelay.smtp;
