// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Argon2idPasswordsTest {
    // RFC 9106 section 5.3 (Argon2id test vector): m=32 KiB, t=3, p=4, password 32 x 0x01, salt 16 x 0x02,
    // secret 8 x 0x03, associated data 12 x 0x04, tag length 32.
    private static final String RFC9106_5_3_TAG = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659";

    private static byte[] filled(int n, int b) {
        byte[] a = new byte[n];
        Arrays.fill(a, (byte) b);
        return a;
    }

    @Test
    void rfc9106Argon2idVector() {
        byte[] tag = Argon2idPasswords.derive(filled(32, 1), filled(16, 2), filled(8, 3), filled(12, 4), 32, 3, 4, 32,
                false);
        assertArrayEquals(HexFormat.of().parseHex(RFC9106_5_3_TAG), tag);
    }

    @Test
    void hashesInPhcFormatAndVerifies() {
        Argon2idPasswords h = new Argon2idPasswords(1024, 1, 1);
        String stored = h.hash("correct horse battery".toCharArray());
        assertTrue(stored.startsWith("$argon2id$v=19$m=1024,t=1,p=1$"), stored);
        assertTrue(h.verify("correct horse battery".toCharArray(), stored));
        assertFalse(h.verify("correct horse batterY".toCharArray(), stored));
        assertNotEquals(stored, h.hash("correct horse battery".toCharArray()), "a fresh salt each time");
        assertFalse(h.needsRehash(stored));
        assertTrue(Argon2idPasswords.defaults().needsRehash(stored));
    }

    @Test
    void malformedStoredValuesNeverVerify() {
        Argon2idPasswords h = new Argon2idPasswords(1024, 1, 1);
        String stored = h.hash("pw".toCharArray());
        for (String bad : new String[] {null, "", "$argon2i$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
                stored.substring(0, stored.length() - 1) + "!", "$argon2id$v=19$m=9999999,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
                stored.replace("m=1024", "m=0")}) {
            assertFalse(h.verify("pw".toCharArray(), bad), String.valueOf(bad));
        }
    }
}
