package dev.oauthrelay.smtp;

/**
 * An enhanced mail system status code, {@code class.subject.detail} (RFC 3463, RFC 2034).
 */
public record EnhancedStatus(int statusClass, int subject, int detail) {

    public EnhancedStatus {
        if (statusClass != 2 && statusClass != 4 && statusClass != 5) {
            throw new IllegalArgumentException("class must be 2, 4 or 5: " + statusClass);
        }
        if (subject < 0 || subject > 999 || detail < 0 || detail > 999) {
            throw new IllegalArgumentException("subject and detail must be 0..999");
        }
    }

    public static EnhancedStatus of(int statusClass, int subject, int detail) {
        return new EnhancedStatus(statusClass, subject, detail);
    }

    @Override
    public String toString() {
        return statusClass + "." + subject + "." + detail;
    }
}
