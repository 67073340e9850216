/** The composition root: builds the relay's parts from a validated configuration. */
package dev.oauthrelay.server;
