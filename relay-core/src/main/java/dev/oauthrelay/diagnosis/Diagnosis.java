package dev.oauthrelay.diagnosis;

/**
 * What an error most likely means and what to do about it.
 *
 * @param code    the code it was recognised by (e.g. {@code AADSTS7000215} or {@code 5.7.139})
 * @param problem the likely cause, in plain words
 * @param fix     what the admin should do
 */
public record Diagnosis(String code, String problem, String fix) {
    @Override
    public String toString() {
        return code + ": " + problem + " Fix: " + fix;
    }
}
