/**
 * When the credentials the relay signs in to Entra ID with run out: client secrets, certificates
 * (and, for delegated accounts, refresh tokens). {@link dev.oauthrelay.credentials.CredentialSource
 * Sources} say what they know of each upstream account's credentials (a configured date, a
 * certificate's notAfter, an Entra ID error that says "expired"); {@link
 * dev.oauthrelay.credentials.Credentials} merges them and judges each credential OK, EXPIRING,
 * EXPIRED or UNKNOWN against the warning period, with a sentence that says what to do. Metrics,
 * health, the status page, the log and {@code relay check} all show these same verdicts.
 */
package dev.oauthrelay.credentials;
