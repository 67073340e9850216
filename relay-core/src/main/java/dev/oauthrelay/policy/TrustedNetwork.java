package dev.oauthrelay.policy;

import dev.oauthrelay.session.data.DataDecoder;
import java.util.Objects;
import java.util.Optional;

/**
 * A network whose hosts may submit without AUTH, as the given identity.
 *
 * @param dataLineEndings how bare CR and LF in DATA are treated for clients in this network,
 *                        whether they log in or not; empty: as their listener says
 */
public record TrustedNetwork(Cidr cidr, Identity identity, Optional<DataDecoder.Mode> dataLineEndings) {

    public TrustedNetwork {
        Objects.requireNonNull(dataLineEndings, "dataLineEndings");
    }

    /** A network that keeps its listeners' data line endings. */
    public TrustedNetwork(Cidr cidr, Identity identity) {
        this(cidr, identity, Optional.empty());
    }
}
