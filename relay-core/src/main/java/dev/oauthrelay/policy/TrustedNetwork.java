package dev.oauthrelay.policy;

/** A network whose hosts may submit without AUTH, as the given identity. */
public record TrustedNetwork(Cidr cidr, Identity identity) {
}
