package io.palisade.core.tls;

import io.palisade.core.config.ConfigException;
import io.palisade.core.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * The TLS identity of the SIP listener: a certificate chain and its private key, from configuration or
 * self-signed on first start (kept under {@code <data>/tls/} and reused). The chosen identity is written into a
 * runtime PKCS#12 keystore with a random per-start password that exists only in memory, because the SIP stack
 * takes its key material as a keystore file.
 */
public final class TlsIdentity {
    private static final String ALIAS = "palisade-sip";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final Path keystore;
    private final char[] keystorePassword;
    private final Path truststore;
    private final char[] truststorePassword;
    private final boolean generated;

    private TlsIdentity(X509Certificate certificate, Path keystore, char[] keystorePassword, Path truststore,
                        char[] truststorePassword, boolean generated) {
        this.certificate = certificate;
        this.keystore = keystore;
        this.keystorePassword = keystorePassword;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
        this.generated = generated;
    }

    /**
     * Loads or creates the identity and writes the runtime key and trust stores under {@code dataDir/run}.
     *
     * @param subjectNames host names and IP addresses to put in a generated certificate's subjectAltName
     */
    public static TlsIdentity prepare(TlsConfig cfg, Path dataDir, List<String> subjectNames, Clock clock) {
        try {
            Path run = dataDir.resolve("run");
            Files.createDirectories(run);
            KeyMaterial material;
            boolean generated = false;
            if (cfg.keystore().isPresent()) {
                material = fromKeystore(cfg.keystore().get(), cfg.keystorePassword().orElse("").toCharArray());
            } else if (cfg.certificate().isPresent()) {
                material = fromPem(cfg.certificate().get(), cfg.privateKey().orElseThrow(), "tls.certificate",
                        "tls.private-key");
            } else {
                Path dir = dataDir.resolve("tls");
                Path cert = dir.resolve("server-cert.pem");
                Path key = dir.resolve("server-key.pem");
                if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
                    material = fromPem(cert, key, cert.toString(), key.toString());
                } else {
                    material = selfSigned(subjectNames, clock);
                    writePem(material, dir, cert, key);
                    generated = true;
                }
            }
            char[] ksPassword = randomPassword();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, material.key(), ksPassword, material.chain().toArray(new Certificate[0]));
            Path ksFile = store(ks, run.resolve("sip-keystore.p12"), ksPassword);

            char[] tsPassword = randomPassword();
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            if (cfg.clientCa().isPresent()) {
                int i = 0;
                for (X509Certificate ca : readCertificates(cfg.clientCa().get(), "tls.client-ca")) {
                    ts.setCertificateEntry("client-ca-" + i++, ca);
                }
            } else {
                ts.setCertificateEntry("self", material.chain().get(0));
            }
            Path tsFile = store(ts, run.resolve("sip-truststore.p12"), tsPassword);
            return new TlsIdentity(material.chain().get(0), ksFile, ksPassword, tsFile, tsPassword, generated);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(List.of("tls: cannot prepare the TLS identity: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage())));
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public Path keystore() {
        return keystore;
    }

    public char[] keystorePassword() {
        return keystorePassword.clone();
    }

    public Path truststore() {
        return truststore;
    }

    public char[] truststorePassword() {
        return truststorePassword.clone();
    }

    /** True when this start generated a new self-signed certificate. */
    public boolean generated() {
        return generated;
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** SHA-256 fingerprint of the DER certificate, upper-case hex pairs joined by colons (as openssl prints). */
    public String fingerprintSha256() {
        return fingerprint(certificate);
    }

    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + certificate.getSubjectX500Principal() + ", sha256=" + fingerprintSha256() + "]";
    }

    record KeyMaterial(PrivateKey key, List<X509Certificate> chain) {
        @Override
        public String toString() {
            return "KeyMaterial[" + chain.get(0).getSubjectX500Principal() + ", key=***]";
        }
    }

    /**
     * Makes {@code m} the identity: the PEM files under {@code dataDir/tls} (key file mode 0600) that the next start
     * reads, and the runtime keystore (same path and password, so listeners that re-read it pick it up).
     */
    TlsIdentity replaceWith(KeyMaterial m, Path dataDir) throws IOException, GeneralSecurityException {
        Path dir = dataDir.resolve("tls");
        writePem(m, dir, dir.resolve("server-cert.pem"), dir.resolve("server-key.pem"));
        store(keyStore(m, keystorePassword), keystore, keystorePassword);
        return new TlsIdentity(m.chain().get(0), keystore, keystorePassword, truststore, truststorePassword, false);
    }

    static KeyStore keyStore(KeyMaterial m, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, m.key(), password, m.chain().toArray(new Certificate[0]));
        return ks;
    }

    /** Key managers over the current runtime keystore. */
    javax.net.ssl.KeyManager[] keyManagers() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, keystorePassword);
        }
        javax.net.ssl.KeyManagerFactory f = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        f.init(ks, keystorePassword);
        return f.getKeyManagers();
    }

    private static char[] randomPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
    }

    private static Path store(KeyStore ks, Path target, char[] password) throws IOException, GeneralSecurityException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        restrict(tmp);
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, password);
        }
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: rely on the data directory's own permissions
        }
    }

    private static KeyMaterial fromKeystore(Path file, char[] password) throws IOException {
        List<String> tried = new ArrayList<>();
        for (String type : List.of("PKCS12", "JKS")) {
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore ks = KeyStore.getInstance(type);
                ks.load(in, password);
                Enumeration<String> aliases = ks.aliases();
                while (aliases.hasMoreElements()) {
                    String alias = aliases.nextElement();
                    if (ks.isKeyEntry(alias)) {
                        PrivateKey key = (PrivateKey) ks.getKey(alias, password);
                        List<X509Certificate> chain = new ArrayList<>();
                        for (Certificate c : ks.getCertificateChain(alias)) {
                            chain.add((X509Certificate) c);
                        }
                        return new KeyMaterial(key, chain);
                    }
                }
                throw new ConfigException(List.of("tls.keystore: " + file + " holds no private key entry"));
            } catch (GeneralSecurityException | IOException e) {
                tried.add(type);
            }
        }
        throw new ConfigException(List.of("tls.keystore: " + file + " cannot be opened as " + String.join(" or ", tried)
                + " with the given tls.keystore-password"));
    }

    private static KeyMaterial fromPem(Path certFile, Path keyFile, String certKey, String keyKey) throws IOException {
        List<X509Certificate> chain = readCertificates(certFile, certKey);
        PrivateKey key;
        try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                key = conv.getKeyPair(kp).getPrivate();
            } else if (o instanceof PrivateKeyInfo info) {
                key = conv.getPrivateKey(info);
            } else {
                throw new ConfigException(List.of(keyKey + ": " + keyFile
                        + " holds no unencrypted PEM private key (PKCS#8 or PKCS#1/SEC1 expected)"));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigException ce) {
                throw ce;
            }
            throw new ConfigException(List.of(keyKey + ": " + keyFile + " is not a readable PEM private key"));
        }
        if (!matches(key, chain.get(0))) {
            throw new ConfigException(List.of(keyKey + ": the private key does not match the certificate in " + certKey));
        }
        return new KeyMaterial(key, chain);
    }

    /** Signs a probe with the key and verifies it with the certificate: the only test that works for every key type. */
    static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null || !cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = "palisade key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature s = java.security.Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(probe);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<X509Certificate> readCertificates(Path file, String key) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new ConfigException(List.of(key + ": " + file + " holds no PEM certificate"));
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(List.of(key + ": " + file + " is not a readable PEM certificate"));
        }
    }

    private static KeyMaterial selfSigned(List<String> names, Clock clock) throws GeneralSecurityException, IOException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(3072, RANDOM);
        KeyPair pair = gen.generateKeyPair();
        Set<String> sans = new LinkedHashSet<>(names);
        String cn = sans.isEmpty() ? "palisade" : sans.iterator().next();
        X500Name subject = new X500Name("CN=" + cn.replace(",", "") + ",O=Palisade self-signed");
        Instant now = clock.instant();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(825))), subject,
                pair.getPublic());
        List<GeneralName> gn = new ArrayList<>();
        for (String n : sans) {
            boolean ip = n.matches("[0-9.]+") || n.contains(":");
            gn.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n.toLowerCase(Locale.ROOT)));
        }
        if (!gn.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn.toArray(new GeneralName[0])));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        try {
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            return new KeyMaterial(pair.getPrivate(), List.of(cert));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the self-signed certificate", e);
        }
    }

    private static void writePem(KeyMaterial m, Path dir, Path cert, Path key) throws IOException {
        Files.createDirectories(dir);
        Path tmpKey = Files.createTempFile(dir, "server-key", ".tmp");
        restrict(tmpKey);
        try (Writer w = Files.newBufferedWriter(tmpKey, StandardCharsets.US_ASCII); JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(m.key());
        }
        Path tmpCert = Files.createTempFile(dir, "server-cert", ".tmp");
        try (Writer w = Files.newBufferedWriter(tmpCert, StandardCharsets.US_ASCII); JcaPEMWriter pw = new JcaPEMWriter(w)) {
            for (X509Certificate c : m.chain()) {
                pw.writeObject(c);
            }
        }
        Files.move(tmpKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
