/**
 * Who may submit and as whom: device accounts, trusted networks, the identity each maps to, and
 * the envelope-sender rules checked at MAIL FROM.
 */
package dev.oauthrelay.policy;
