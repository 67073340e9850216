/**
 * OAuth access tokens for the upstream: the provider contract, the relay's own caching and
 * refreshing of tokens, and the SASL XOAUTH2 encoding.
 */
package dev.oauthrelay.token;
