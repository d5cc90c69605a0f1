package io.palisade.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DigestCompatibilityTest {
    private final DigestCompatibility compat = new DigestCompatibility(List.of("baresip"));
    private final List<DigestAlgorithm> both = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);

    @Test
    void listedClientsAreOfferedMd5Only() {
        assertEquals(List.of(DigestAlgorithm.MD5), compat.offerFor("baresip v1.0.0 (x86_64/linux)", both));
        assertEquals(List.of(DigestAlgorithm.MD5), compat.offerFor("BareSIP", both));
    }

    @Test
    void everyoneElseGetsTheConfiguredOrder() {
        assertEquals(both, compat.offerFor("Linphone/5.2", both));
        assertEquals(both, compat.offerFor(null, both));
        assertEquals(both, compat.offerFor("", both));
    }

    @Test
    void neverOffersWhatIsNotConfigured() {
        assertEquals(List.of(DigestAlgorithm.SHA_256), compat.offerFor("baresip", List.of(DigestAlgorithm.SHA_256)));
    }
}
