/**
 * The SMTP DATA phase body decoder: turns the dot-stuffed byte stream that follows the DATA
 * command into the message bytes, stopping at the CRLF "." CRLF end-of-data marker
 * (RFC 5321 sections 4.1.1.4 and 4.5.2), and refusing (STRICT) or normalizing (NORMALIZE) bare CR
 * and LF so that no SMTP smuggling variant can end the data early.
 */
package dev.oauthrelay.session.data;
