// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager a TLS listener is built with, so that a new certificate can be put in while it runs: each
 * handshake asks the delegate in place at that moment, so new connections get the new certificate and open ones
 * keep theirs. The delegate is a JDK {@code SunX509} key manager over one alias, so the alias chosen before a swap
 * still names the (new) entry after it.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private volatile X509ExtendedKeyManager delegate;

    public ReloadingKeyManager(X509ExtendedKeyManager initial) {
        this.delegate = Objects.requireNonNull(initial, "initial");
    }

    /** From the first X.509 key manager of {@code managers}. */
    static X509ExtendedKeyManager first(javax.net.ssl.KeyManager[] managers) {
        for (javax.net.ssl.KeyManager m : managers) {
            if (m instanceof X509ExtendedKeyManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X.509 key manager");
    }

    void swap(X509ExtendedKeyManager next) {
        this.delegate = Objects.requireNonNull(next, "next");
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }

    @Override
    public String toString() {
        return "ReloadingKeyManager";
    }
}
