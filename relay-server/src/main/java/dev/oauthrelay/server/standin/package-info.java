/**
 * Local stand-ins for Microsoft's services, used by {@code relay demo} and the tests: Entra ID's
 * token endpoint, Exchange Online's SMTP submission and Microsoft Graph's mail sending. They speak
 * the same protocols on loopback, so the relay's real code paths (MSAL4J, TLS, XOAUTH2, HTTPS)
 * run without a Microsoft tenant.
 */
package dev.oauthrelay.server.standin;
