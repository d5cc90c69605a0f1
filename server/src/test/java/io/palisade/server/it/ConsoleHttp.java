package io.palisade.server.it;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An HTTPS client for the admin console as a browser without JavaScript would use it: a cookie jar, the server's
 * certificate trusted, Faces forms posted with their hidden fields (view state, CSRF token).
 */
final class ConsoleHttp {
    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\"[^>]*?value=\"([^\"]*)\"");
    private static final Pattern VIEW_STATE = Pattern.compile("name=\"jakarta.faces.ViewState\"[^>]*value=\"([^\"]*)\"");

    final String base;
    final HttpClient client;
    final CookieManager cookies = new CookieManager();

    ConsoleHttp(int port, Path serverCert) throws Exception {
        this.base = "https://127.0.0.1:" + port;
        this.client = HttpClient.newBuilder().sslContext(SipTestClient.trusting(serverCert))
                .cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
    }

    HttpResponse<String> send(String method, String path, String json, String... headers) throws Exception {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method, body);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return send(b, headers);
    }

    HttpResponse<String> postForm(String path, Map<String, String> fields) throws Exception {
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Loads {@code page}, fills {@code form}'s fields (ids without the form prefix) and presses {@code button}. */
    HttpResponse<String> submit(String page, String form, String button, Map<String, String> values) throws Exception {
        HttpResponse<String> r = get(page);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(page + " answered " + r.statusCode());
        }
        String html = formHtml(r.body(), form);
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            f.put(m.group(1), m.group(2));
        }
        Matcher vs = VIEW_STATE.matcher(html);
        if (vs.find()) {
            f.put("jakarta.faces.ViewState", vs.group(1));
        }
        values.forEach((k, v) -> f.put(form + ":" + k, v));
        f.put(form + ":" + button, button);
        return postForm(page, f);
    }

    /**
     * Posts a Faces form as {@code multipart/form-data} (a file upload): its hidden fields, {@code values} (ids
     * without the form prefix), one file, and the button.
     */
    HttpResponse<String> submitMultipart(String page, String form, String button, Map<String, String> values,
            String fileField, String fileName, byte[] file) throws Exception {
        String html = formHtml(get(page).body(), form);
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(html);
        while (m.find()) {
            f.put(m.group(1), m.group(2));
        }
        Matcher vs = VIEW_STATE.matcher(html);
        if (vs.find()) {
            f.put("jakarta.faces.ViewState", vs.group(1));
        }
        values.forEach((k, v) -> f.put(form + ":" + k, v));
        f.put(form + ":" + button, button);
        String boundary = "----palisade-test-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (Map.Entry<String, String> e : f.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n"
                    + e.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + form + ":" + fileField
                + "\"; filename=\"" + fileName + "\"\r\nContent-Type: application/x-pkcs12\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + page))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    /** The console's session id as the cookie jar holds it now, or "" for none. */
    String sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("PALISADE_SESSION"))
                .map(java.net.HttpCookie::getValue).findFirst().orElse("");
    }

    static String formHtml(String page, String form) {
        int start = page.indexOf("<form id=\"" + form + "\"");
        if (start < 0) {
            throw new IllegalStateException("no form " + form + " in:\n" + page);
        }
        return page.substring(start, page.indexOf("</form>", start));
    }

    static String csrf(String page) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token in:\n" + page);
        }
        return m.group(1);
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String... headers) throws Exception {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpRequest request = b.timeout(Duration.ofSeconds(30)).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            // The server may close a kept-alive connection (e.g. after refusing a request whose body it did not
            // read) just as the client reuses it; no byte of an answer came back, so the request was not
            // processed and is sent once more on a new connection, as browsers do.
            if (String.valueOf(e.getMessage()).contains("received no bytes")) {
                return client.send(request, HttpResponse.BodyHandlers.ofString());
            }
            throw e;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
