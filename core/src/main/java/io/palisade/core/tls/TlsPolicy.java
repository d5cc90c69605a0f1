package io.palisade.core.tls;

import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The TLS rules for every Palisade listener (ARCHITECTURE.md, security model): TLS 1.3 and TLS 1.2 only, and on
 * TLS 1.2 only forward-secret ECDHE key exchange with AEAD ciphers (RFC 7525 / BCP 195 recommendations).
 * No TLS_RSA key transport, no CBC, no 3DES, no anonymous suites.
 */
public final class TlsPolicy {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final List<String> PREFERRED_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {
    }

    /** The preferred suites this JVM supports, in preference order. */
    public static List<String> cipherSuites() {
        try {
            Set<String> supported = Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
            return PREFERRED_SUITES.stream().filter(supported::contains).toList();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS implementation in this JVM", e);
        }
    }

    public static String[] cipherSuiteArray() {
        return cipherSuites().toArray(new String[0]);
    }

    static boolean allowed(String suite) {
        return Arrays.asList(cipherSuiteArray()).contains(suite);
    }
}
