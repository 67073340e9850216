package dev.oauthrelay.delivery;

import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.StoredMessage;
import java.io.IOException;

/** Tells people that a message failed for good (or expired). */
public interface Notifier {

    /** Called once per message, before it moves to the dead-letter folder. */
    void permanentFailure(StoredMessage message, DeliveryState finalState) throws IOException;

    Notifier NONE = (message, state) -> { };
}
