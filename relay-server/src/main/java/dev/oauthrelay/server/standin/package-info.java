/**
 * Local stand-ins for Microsoft's services, used by relay demo and the tests.
 */
package dev.oauthrelay.server.standin;
