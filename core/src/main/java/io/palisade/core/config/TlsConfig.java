package io.palisade.core.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the SIP TLS listener's identity comes from: a PEM certificate chain + key, a PKCS#12/JKS
 * keystore, or (neither given) a self-signed certificate generated under the data directory.
 * {@code clientCa} turns on mutual TLS with clients verified against that CA.
 */
public record TlsConfig(Optional<Path> certificate, Optional<Path> privateKey, Optional<Path> keystore,
                        Optional<String> keystorePassword, Optional<Path> clientCa, ClientAuth clientAuth) {

    public enum ClientAuth { NONE, WANT, NEED }

    @Override
    public String toString() {
        return "TlsConfig[certificate=" + certificate + ", privateKey=" + privateKey + ", keystore=" + keystore
                + ", keystorePassword=" + keystorePassword.map(p -> "****") + ", clientCa=" + clientCa
                + ", clientAuth=" + clientAuth + "]";
    }
}
