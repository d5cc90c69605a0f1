// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The running configuration as setting keys and display values, for the console and the API. Secrets
 * ({@link ConfigLoader#isSecret}) are shown as {@code ****} when set, never their value.
 */
public final class SettingsView {
    public static final String MASK = "****";

    private SettingsView() {
    }

    public static Map<String, String> of(PalisadeConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data.dir", c.dataDir().toString());
        m.put("sip.domain", String.join(",", c.domains()));
        m.put("auth.realm", c.realm().orElse(""));
        m.put("sip.address", c.sipAddress());
        m.put("sip.tls.port", Integer.toString(c.tlsPort()));
        m.put("sip.udp.port", port(c.udpPort()));
        m.put("sip.tcp.port", port(c.tcpPort()));
        m.put("sip.trusted-networks", c.trustedNetworks().toString());
        m.put("sip.plain-register-networks", c.plainRegisterNetworks().toString());
        m.put("tls.certificate", path(c.tls().certificate()));
        m.put("tls.private-key", path(c.tls().privateKey()));
        m.put("tls.keystore", path(c.tls().keystore()));
        m.put("tls.keystore-password", c.tls().keystorePassword().map(p -> MASK).orElse(""));
        m.put("tls.client-ca", path(c.tls().clientCa()));
        m.put("tls.client-auth", c.tls().clientAuth().name().toLowerCase(java.util.Locale.ROOT));
        m.put("auth.algorithms", String.join(",", c.authAlgorithms()));
        m.put("auth.md5-only-user-agents", String.join(",", c.md5OnlyUserAgents()));
        m.put("auth.nonce-lifetime", Long.toString(c.nonceLifetime().toSeconds()));
        m.put("registrar.min-expires", Integer.toString(c.minExpires()));
        m.put("registrar.max-expires", Integer.toString(c.maxExpires()));
        m.put("registrar.default-expires", Integer.toString(c.defaultExpires()));
        m.put("registrar.max-contacts", Integer.toString(c.maxContacts()));
        m.put("registrar.write-back", Boolean.toString(c.registrationWriteBack()));
        m.put("registrar.write-back-interval", Long.toString(c.registrationWriteBackInterval().toSeconds()));
        m.put("sip.threads", Integer.toString(c.sipThreads()));
        m.put("sip.max-message-size", Integer.toString(c.maxMessageSize()));
        m.put("overload.max-server-transactions", Integer.toString(c.maxServerTransactions()));
        m.put("overload.heap-percent", Integer.toString(c.heapThresholdPercent()));
        // a JDBC URL can carry a password as a parameter: mask the query part
        m.put("database.url", c.databaseUrl().map(SettingsView::maskUrl).orElse(""));
        m.put("database.user", c.databaseUser().orElse(""));
        m.put("database.password", c.databasePassword().map(p -> MASK).orElse(""));
        m.put("log.level", c.logLevel());
        m.putAll(edge(c.edge()));
        m.put("edge.security-log", c.securityLog().toString());
        m.put("media.address", c.media().address().orElse(""));
        m.put("media.public-address", c.media().publicAddress().orElse(""));
        m.put("media.port-min", Integer.toString(c.media().portMin()));
        m.put("media.port-max", Integer.toString(c.media().portMax()));
        m.put("media.timeout", Long.toString(c.media().timeout().toSeconds()));
        m.put("call.max-duration", Long.toString(c.call().maxDuration().toSeconds()));
        m.put("call.no-answer-timeout", Long.toString(c.call().noAnswerTimeout().toSeconds()));
        m.put("call.session-expires", Long.toString(c.call().sessionExpires().toSeconds()));
        m.put("call.min-session-expires", Long.toString(c.call().minSessionExpires().toSeconds()));
        m.put("call.max-redirects", Integer.toString(c.call().maxRedirects()));
        AdminConfig a = c.admin();
        m.put("admin.enabled", Boolean.toString(a.enabled()));
        m.put("admin.address", a.address());
        m.put("admin.port", Integer.toString(a.port()));
        m.put("admin.initial-password", a.initialPassword().map(p -> MASK).orElse(""));
        m.put("admin.session-idle-timeout", Long.toString(a.sessionIdle().toSeconds()));
        m.put("admin.session-max-age", Long.toString(a.sessionMaxAge().toSeconds()));
        return m;
    }

    /** The {@code edge.*} keys of {@code e} (all but {@code edge.security-log}), as the configuration file spells them. */
    public static Map<String, String> edge(io.palisade.core.edge.EdgeConfig e) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("edge.max-headers", Integer.toString(e.maxHeaders()));
        m.put("edge.max-header-length", Integer.toString(e.maxHeaderLength()));
        m.put("edge.max-vias", Integer.toString(e.maxVias()));
        m.put("edge.limit.address-requests", rate(e.sourceRequests()));
        m.put("edge.limit.address-registers", rate(e.sourceRegisters()));
        m.put("edge.limit.address-invites", rate(e.sourceInvites()));
        m.put("edge.limit.user-registers", rate(e.userRegisters()));
        m.put("edge.ban.address-failures", Integer.toString(e.addressFailures()));
        m.put("edge.ban.user-failures", Integer.toString(e.userFailures()));
        m.put("edge.ban.failure-window", Long.toString(e.failureWindow().toSeconds()));
        m.put("edge.ban.duration", Long.toString(e.banBase().toSeconds()));
        m.put("edge.ban.max-duration", Long.toString(e.banMax().toSeconds()));
        m.put("edge.ban.offence-memory", Long.toString(e.offenceMemory().toSeconds()));
        m.put("edge.scanner.user-agents", String.join(",", e.scannerUserAgents()));
        m.put("edge.scanner.unknown-users", Integer.toString(e.scanUsers()));
        m.put("edge.exempt-networks", nets(e.exemptNetworks()));
        m.put("edge.deny-networks", nets(e.denyNetworks()));
        m.put("edge.tls.allow-networks", nets(e.tlsAllowNetworks()));
        m.put("edge.max-tracked-sources", Integer.toString(e.maxTrackedSources()));
        return m;
    }

    /** Keys of {@link ConfigLoader#KEYS} this view does not show: empty unless a key was added without a row. */
    static java.util.Set<String> missingKeys(PalisadeConfig c) {
        return ConfigLoader.KEYS.keySet().stream().filter(k -> !of(c).containsKey(k)).collect(Collectors.toSet());
    }

    private static String rate(io.palisade.core.edge.EdgeConfig.Rate r) {
        double per = r.perSecond();
        return (per == Math.rint(per) ? Long.toString((long) per) : Double.toString(per)) + "/s burst " + r.burst();
    }

    /** Comma-separated, as the configuration file takes it (so a value shown can be submitted again). */
    private static String nets(io.palisade.core.net.NetworkList l) {
        return l.networks().stream().map(Object::toString).collect(Collectors.joining(","));
    }

    private static String port(OptionalInt p) {
        return p.isPresent() ? Integer.toString(p.getAsInt()) : "off";
    }

    private static String path(Optional<java.nio.file.Path> p) {
        return p.map(Object::toString).orElse("");
    }

    static String maskUrl(String url) {
        int q = url.indexOf('?');
        int semi = url.indexOf(';');
        int cut = q < 0 ? semi : (semi < 0 ? q : Math.min(q, semi));
        return cut < 0 ? url : url.substring(0, cut) + MASK;
    }
}
