package io.kubegpu.guard;

import io.kubegpu.catalog.ModelMatch;

/**
 * The guard's verdict for one candidate model.
 *
 * @param token   the model as named (a request's model token, or a catalog id)
 * @param match   what the token resolved to in the catalog; {@code null} when unknown
 * @param verdict fit, or why not
 */
public record ModelVerdict(String token, ModelMatch match, Verdict verdict) {
    public boolean known() {
        return match != null;
    }
}
