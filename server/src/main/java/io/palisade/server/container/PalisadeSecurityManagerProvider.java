// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.server.container;

import gov.nist.core.net.DefaultSecurityManagerProvider;
import gov.nist.core.net.SecurityManagerProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Properties;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * JAIN-SIP's key and trust managers, with the key manager replaced by the one the composition root installed (a
 * {@link io.palisade.core.tls.ReloadingKeyManager}), so that a certificate uploaded in the console reaches new SIP TLS
 * connections without a restart. Trust managers (client certificates) stay JAIN-SIP's, from the trust store. Set as
 * {@code gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER}; JAIN-SIP builds it by class name, hence the static hand-over.
 */
public final class PalisadeSecurityManagerProvider implements SecurityManagerProvider {
    private static volatile X509ExtendedKeyManager keyManager;

    private final DefaultSecurityManagerProvider jainSip = new DefaultSecurityManagerProvider();

    /** Called before the SIP stack starts. */
    public static void install(X509ExtendedKeyManager km) {
        keyManager = km;
    }

    @Override
    public void init(Properties properties) throws GeneralSecurityException, IOException {
        jainSip.init(properties);
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        X509ExtendedKeyManager km = keyManager;
        return km == null ? jainSip.getKeyManagers(client) : new KeyManager[] {km};
    }

    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        return jainSip.getTrustManagers(client);
    }
}
