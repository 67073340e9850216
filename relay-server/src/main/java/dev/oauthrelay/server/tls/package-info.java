/**
 * TLS for the SMTP listeners (STARTTLS, RFC 3207, and implicit TLS, RFC 8314): loading PEM
 * certificates and keys, generating a self-signed fallback, and picking up renewed certificates
 * without a restart.
 */
package dev.oauthrelay.server.tls;
