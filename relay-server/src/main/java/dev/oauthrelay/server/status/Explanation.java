package dev.oauthrelay.server.status;

import dev.oauthrelay.diagnosis.Diagnosis;
import dev.oauthrelay.diagnosis.ErrorExplainer;
import java.util.Optional;

/**
 * An error on the status page: the text as Exchange Online or Entra ID gave it, then, from
 * {@link ErrorExplainer} (the translator {@code relay check} and the log use too), what it means
 * and the fix.
 */
final class Explanation {

    private Explanation() {
    }

    /** The error in a {@code <code>} block followed by {@link #of}. */
    static String error(String errorText) {
        return "<code class=\"reply\">" + Html.text(errorText) + "</code>" + of(errorText);
    }

    /** What {@code errorText} means and its fix, or {@code ""} if it is not a known error. */
    static String of(String errorText) {
        Optional<Diagnosis> d = ErrorExplainer.explain(errorText);
        if (d.isEmpty()) {
            return "";
        }
        return "<div class=\"why\"><p><strong>What it means</strong> <span class=\"code\">(" + Html.text(d.get().code())
                + ")</span>: " + Html.text(d.get().problem()) + "</p><p><strong>Fix</strong>: " + Html.text(d.get().fix())
                + "</p></div>";
    }
}
