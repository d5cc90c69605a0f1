// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.AdminServices;
import io.palisade.admin.ConsoleOperations;
import io.palisade.admin.calls.CallViews;
import io.palisade.admin.calls.CallViews.CallView;
import io.palisade.core.call.CallQuery;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The calls page: calls in progress (an operator hangs one up) and the history with filters, paging and CSV. */
@Named
@RequestScoped
public class CallsBean {
    static final int PAGE = 50;

    private String from;
    private String to;
    private String party;
    private String cause;
    private int page;
    private CallQuery query;
    private boolean queried;
    private List<CallView> active;
    private List<CallView> history;

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = to;
    }

    public String getParty() {
        return party;
    }

    public void setParty(String party) {
        this.party = party;
    }

    public String getCause() {
        return cause;
    }

    public void setCause(String cause) {
        this.cause = cause;
    }

    public int getPage() {
        return page;
    }

    public void setPage(int page) {
        this.page = Math.max(0, page);
    }

    /** Reads the filter before rendering (f:viewAction), so a bad one is named in the page's messages. */
    public void load() {
        query();
    }

    public boolean isAvailable() {
        return Faces.services().calls() != null && Faces.services().callRecords() != null;
    }

    public List<CallView> getActive() {
        if (active == null) {
            AdminServices s = Faces.services();
            Instant now = s.clock().instant();
            active = s.calls() == null ? List.of() : s.calls().active().stream().map(r -> CallView.of(r, now)).toList();
        }
        return active;
    }

    /** The filter, or null (with a message naming the field) when it cannot be read. */
    private CallQuery query() {
        if (!queried) {
            queried = true;
            try {
                query = CallViews.query(from, to, party, cause);
            } catch (CallViews.BadFilter e) {
                Faces.error("filter:" + e.field(), filterLabel(e.field()) + ": " + e.getMessage());
            }
        }
        return query;
    }

    public List<CallView> getHistory() {
        if (history == null) {
            AdminServices s = Faces.services();
            CallQuery q = query();
            Instant now = s.clock().instant();
            history = q == null || s.callRecords() == null ? List.of()
                    : s.callRecords().search(q, page * PAGE, PAGE).stream().map(r -> CallView.of(r, now)).toList();
        }
        return history;
    }

    public int getTotal() {
        CallQuery q = query();
        return q == null || Faces.services().callRecords() == null ? 0 : Faces.services().callRecords().count(q);
    }

    public boolean isHasNext() {
        return (page + 1) * PAGE < getTotal();
    }

    /** The filter as query parameters, for paging links and the CSV export. */
    public String getFilterQuery() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("from", from);
        p.put("to", to);
        p.put("party", party);
        p.put("cause", cause);
        StringBuilder b = new StringBuilder();
        p.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                b.append(b.length() == 0 ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return b.toString();
    }

    public void hangUp(String id) {
        try {
            ConsoleOperations.of(Faces.services()).hangUp(Faces.actor(), id);
        } catch (ConsoleOperations.Forbidden | ConsoleOperations.NotFound e) {
            Faces.error(null, e.getMessage());
            return;
        }
        Faces.info("Hung up call " + id + ".");
        Faces.redirect("/calls.xhtml");
    }

    private static String filterLabel(String field) {
        return switch (field) {
            case "from" -> "From";
            case "to" -> "To";
            case "party" -> "Party";
            default -> "Cause";
        };
    }
}
