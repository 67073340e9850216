/** Helpers shared by relay-core's tests (controlled time). */
package dev.oauthrelay.testsupport;
