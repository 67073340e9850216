/** The {@code relay} command line (picocli): run, demo and hash-password. */
package dev.oauthrelay.server.cli;
