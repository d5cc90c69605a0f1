// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * HA1 = H(username ":" realm ":" password), RFC 7616 s.3.4.2 (RFC 2617 s.3.2.2.2).
 *
 * <p>The server stores HA1 values, never the password. The password bytes are encoded
 * into a buffer that is zeroed after hashing; the caller's {@code char[]} is left as is.
 */
public final class Ha1 {
    private static final HexFormat HEX = HexFormat.of();

    private Ha1() {
    }

    /**
     * Computes the lowercase hex HA1.
     *
     * @throws IllegalArgumentException if the password cannot be encoded as UTF-8
     *     (unpaired surrogate); the message never contains the password
     */
    public static String compute(DigestAlgorithm alg, String username, String realm, char[] password) {
        Objects.requireNonNull(alg, "alg");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(password, "password");
        MessageDigest md = alg.newDigest();
        md.update(username.getBytes(StandardCharsets.UTF_8));
        md.update((byte) ':');
        md.update(realm.getBytes(StandardCharsets.UTF_8));
        md.update((byte) ':');
        CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = null;
        try {
            bytes = enc.encode(CharBuffer.wrap(password));
            md.update(bytes.duplicate());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("password is not valid Unicode text");
        } finally {
            if (bytes != null && bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
        return HEX.formatHex(md.digest());
    }
}
