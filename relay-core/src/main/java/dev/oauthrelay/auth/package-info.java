/** SASL mechanisms and device credential checks. */
package dev.oauthrelay.auth;
