package io.kubegpu.cluster.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.stream.JsonReader;
import io.kubegpu.cluster.model.KubePod;
import io.kubegpu.cluster.model.KubePodReader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Late watch events never undo a newer list; anything that is not a numeric version is applied as before. */
class AppliedVersionsTest {
    private static KubePod pod(String uid, String version) {
        String json = "{\"metadata\":{\"uid\":\"" + uid + "\",\"name\":\"" + uid + "\",\"namespace\":\"ns\""
                + (version == null ? "" : ",\"resourceVersion\":\"" + version + "\"") + "}}";
        try {
            return KubePodReader.read(new JsonReader(new StringReader(json)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anEventOlderThanTheListIsStaleAndNewerOnesApply() {
        AppliedVersions versions = new AppliedVersions();
        // The list was taken at 105: the pod bound there.
        versions.listed(List.of(pod("w", "105")));
        // The watch before the list, delivered late: pending at 95, bound at 100. Both older than what the state holds.
        assertThat(versions.staleOrRecord(pod("w", "95"))).isTrue();
        assertThat(versions.staleOrRecord(pod("w", "100"))).isTrue();
        // The informer's own resync of the list (same version) and later changes apply.
        assertThat(versions.staleOrRecord(pod("w", "105"))).isFalse();
        assertThat(versions.staleOrRecord(pod("w", "110"))).isFalse();
        assertThat(versions.staleOrRecord(pod("w", "108"))).isTrue();
    }

    @Test
    void aPodTheListDidNotHaveAndVersionsThatAreNotNumbersAlwaysApply() {
        AppliedVersions versions = new AppliedVersions();
        versions.listed(List.of(pod("w", "105")));
        assertThat(versions.staleOrRecord(pod("new", "50"))).as("unknown before").isFalse();
        assertThat(versions.staleOrRecord(pod("w", "opaque-7"))).isFalse();
        assertThat(versions.staleOrRecord(pod("w", null))).isFalse();
        assertThat(versions.staleOrRecord(pod("w", "99999999999999999999"))).as("more digits than a long").isFalse();
    }

    @Test
    void aNewListForgetsWhatTheOldOneSaidAndADeletionForgetsThePod() {
        AppliedVersions versions = new AppliedVersions();
        versions.listed(List.of(pod("w", "105")));
        versions.listed(List.of(pod("other", "200")));
        assertThat(versions.staleOrRecord(pod("w", "100"))).isFalse();
        versions.removed(pod("other", "201"));
        assertThat(versions.staleOrRecord(pod("other", "150"))).isFalse();
    }
}
