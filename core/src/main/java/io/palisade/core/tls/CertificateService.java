// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.tls;

import io.palisade.core.admin.AuditLog;
import io.palisade.core.config.TlsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Replacing the SIP TLS listener's certificate while the server runs (the console's certificate page). An upload is
 * validated (it parses, the key matches the certificate, the certificate is valid now), stored under
 * {@code DATA_DIR/tls/} (the key file readable by the owner only) where the next start finds it, and put into the
 * {@link ReloadingKeyManager} the listeners were built with, so new TLS connections get it at once. Key material
 * never reaches a log line, an exception message or the audit log.
 */
public final class CertificateService {
    private final TlsConfig config;
    private final Path dataDir;
    private final Clock clock;
    private final AuditLog audit;
    private final ReloadingKeyManager keyManager;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile TlsIdentity current;

    /** A refused upload: {@code field} names the input at fault; the message holds no key material. */
    public static final class InvalidCertificate extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String field;
        private final boolean conflict;

        InvalidCertificate(String field, String message) {
            this(field, message, false);
        }

        InvalidCertificate(String field, String message, boolean conflict) {
            super(message);
            this.field = field;
            this.conflict = conflict;
        }

        public String field() {
            return field;
        }

        /** True when the input is fine but the server's configuration does not allow an upload. */
        public boolean conflict() {
            return conflict;
        }
    }

    public CertificateService(TlsIdentity initial, TlsConfig config, Path dataDir, Clock clock, AuditLog audit) {
        this.current = Objects.requireNonNull(initial, "initial");
        this.config = Objects.requireNonNull(config, "config");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = audit;
        try {
            this.keyManager = new ReloadingKeyManager(ReloadingKeyManager.first(initial.keyManagers()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the runtime keystore: " + e.getClass().getSimpleName());
        }
    }

    /** The identity new connections get. */
    public TlsIdentity current() {
        return current;
    }

    /** Build TLS listeners with this key manager to have them take new certificates without a restart. */
    public ReloadingKeyManager keyManager() {
        return keyManager;
    }

    /** Runs after each new certificate is in place (a listener that re-reads the runtime keystore). */
    public void onChange(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    /** Why an upload would be refused, if it would: a certificate named in the configuration wins at every start. */
    public Optional<String> uploadRefusal() {
        if (config.keystore().isPresent()) {
            return Optional.of("the configuration names tls.keystore; it would replace an uploaded certificate at the "
                    + "next start: change the file it names, or remove tls.keystore");
        }
        if (config.certificate().isPresent()) {
            return Optional.of("the configuration names tls.certificate; it would replace an uploaded certificate at "
                    + "the next start: change the files it names, or remove tls.certificate and tls.private-key");
        }
        return Optional.empty();
    }

    /** A PEM certificate chain (server certificate first) and its unencrypted PEM private key (PKCS#8, PKCS#1, SEC1). */
    public TlsIdentity installPem(String actor, byte[] certificatePem, byte[] privateKeyPem, String source) {
        try {
            refuseIfConfigured();
            List<X509Certificate> chain = certificates(certificatePem);
            PrivateKey key = pemKey(privateKeyPem);
            return install(actor, new TlsIdentity.KeyMaterial(key, chain), "privateKey", source);
        } catch (InvalidCertificate e) {
            record(actor, source, "failed");
            throw e;
        } finally {
            zero(privateKeyPem);
        }
    }

    /** A PKCS#12 file holding one private key entry with its chain. */
    public TlsIdentity installPkcs12(String actor, byte[] pkcs12, char[] password, String source) {
        try {
            refuseIfConfigured();
            return install(actor, pkcs12(pkcs12, password), "keystore", source);
        } catch (InvalidCertificate e) {
            record(actor, source, "failed");
            throw e;
        } finally {
            zero(pkcs12);
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private synchronized TlsIdentity install(String actor, TlsIdentity.KeyMaterial m, String keyField, String source) {
        X509Certificate leaf = m.chain().get(0);
        if (!TlsIdentity.matches(m.key(), leaf)) {
            throw new InvalidCertificate(keyField, "the private key does not match the certificate");
        }
        try {
            leaf.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            throw new InvalidCertificate("certificate", "the certificate expired on " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new InvalidCertificate("certificate", "the certificate is not valid before "
                    + leaf.getNotBefore().toInstant());
        }
        TlsIdentity next;
        try {
            next = current.replaceWith(m, dataDir);
            keyManager.swap(ReloadingKeyManager.first(next.keyManagers()));
        } catch (IOException | GeneralSecurityException e) {
            record(actor, source, "failed");
            throw new IllegalStateException("cannot store the certificate: " + e.getClass().getSimpleName());
        }
        current = next;
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(CertificateService.class)
                        .warn("a listener did not take the new certificate: {}", e.getClass().getName());
            }
        }
        if (audit != null) {
            audit.record(actor, "certificate.upload", "sha256 " + next.fingerprintSha256(), source, "ok");
        }
        return next;
    }

    private void refuseIfConfigured() {
        Optional<String> why = uploadRefusal();
        if (why.isPresent()) {
            throw new InvalidCertificate("certificate", why.get(), true);
        }
    }

    private void record(String actor, String source, String outcome) {
        if (audit != null) {
            audit.record(actor, "certificate.upload", null, source, outcome);
        }
    }

    private static List<X509Certificate> certificates(byte[] pem) {
        if (pem == null || pem.length == 0) {
            throw new InvalidCertificate("certificate", "a PEM certificate is required");
        }
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new InvalidCertificate("certificate", "holds no PEM certificate");
            }
            return out;
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof InvalidCertificate ic) {
                throw ic;
            }
            throw new InvalidCertificate("certificate", "not a readable PEM certificate");
        }
    }

    private static PrivateKey pemKey(byte[] pem) {
        if (pem == null || pem.length == 0) {
            throw new InvalidCertificate("privateKey", "a PEM private key is required");
        }
        try (Reader r = new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII);
             PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getKeyPair(kp).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
        } catch (IOException | RuntimeException e) {
            // reported below, without the parser's message (it may quote the input)
        }
        throw new InvalidCertificate("privateKey",
                "not an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1; an encrypted key must be decrypted first)");
    }

    private static TlsIdentity.KeyMaterial pkcs12(byte[] file, char[] password) {
        if (file == null || file.length == 0) {
            throw new InvalidCertificate("keystore", "a PKCS#12 file is required");
        }
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(file), password == null ? new char[0] : password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new InvalidCertificate("password", "wrong password for this PKCS#12 file");
            }
            throw new InvalidCertificate("keystore", "not a readable PKCS#12 file");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidCertificate("keystore", "not a readable PKCS#12 file");
        }
        try {
            Enumeration<String> aliases = ks.aliases();
            while (aliases.hasMoreElements()) {
                String alias = aliases.nextElement();
                if (ks.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) ks.getKey(alias, password == null ? new char[0] : password);
                    List<X509Certificate> chain = new ArrayList<>();
                    Certificate[] certs = ks.getCertificateChain(alias);
                    if (certs == null || certs.length == 0) {
                        break;
                    }
                    for (Certificate c : certs) {
                        chain.add((X509Certificate) c);
                    }
                    return new TlsIdentity.KeyMaterial(key, chain);
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw new InvalidCertificate("password", "wrong password for the private key in this PKCS#12 file");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidCertificate("keystore", "not a readable PKCS#12 file");
        }
        throw new InvalidCertificate("keystore", "holds no private key with its certificate");
    }

    private static void zero(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }
}
