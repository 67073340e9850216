/**
 * The admin HTTP port: a small router over the JDK's HTTP server that serves metrics, health, the
 * status page, the device inventory and queue operations to operators, with a bearer token for
 * anything that changes state.
 */
package dev.oauthrelay.server.admin;
