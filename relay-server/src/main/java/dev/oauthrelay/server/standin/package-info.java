/**
 * Local stand-ins for Microsoft's services, used by {@code relay demo} and the tests: they speak
 * the same protocols on loopback, so the relay's real code paths (MSAL4J, TLS, XOAUTH2) run without
 * a Microsoft tenant.
 */
package dev.oauthrelay.server.standin;
