/**
 * Plain-words explanations of Exchange Online replies, Microsoft Graph errors and Entra ID (AADSTS) errors, with the fix
 * an admin can apply: one translator shared by {@code relay check}, the logs and notices.
 */
package dev.oauthrelay.diagnosis;
