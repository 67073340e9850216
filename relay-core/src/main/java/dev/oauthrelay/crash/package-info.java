/**
 * Named crash points for the durability tests: a way to kill the process at an exact moment
 * (between an fsync and a reply, say) that random SIGKILLs would hit only by luck. Inert unless a
 * test-only system property enables one.
 */
package dev.oauthrelay.crash;
