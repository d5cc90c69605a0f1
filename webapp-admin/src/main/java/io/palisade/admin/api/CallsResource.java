// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.AdminServices;
import io.palisade.admin.ConsoleOperations;
import io.palisade.admin.calls.CallCsv;
import io.palisade.admin.calls.CallViews;
import io.palisade.admin.calls.CallViews.CallView;
import io.palisade.core.call.CallQuery;
import io.palisade.core.call.CallRecord;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Calls: those in progress (an operator hangs one up) and the call history (CDR) with filters, paging and CSV. */
@Path("calls")
@Produces(MediaType.APPLICATION_JSON)
public class CallsResource {
    /** The most rows one CSV export holds; narrow the filter for more. */
    static final int EXPORT_MAX = 100_000;
    private static final int EXPORT_PAGE = 1000;

    private final AdminServices services;
    private final ConsoleOperations operations;

    public CallsResource(AdminServices services, ConsoleOperations operations) {
        this.services = services;
        this.operations = operations;
    }

    public record CallPage(List<CallView> items, int total, int offset, int limit) {
    }

    @GET
    @Path("active")
    @RolesAllowed("auditor")
    public List<CallView> active() {
        if (services.calls() == null) {
            throw new ConsoleOperations.NotFound("calls are not available in this deployment");
        }
        Instant now = services.clock().instant();
        return services.calls().active().stream().map(r -> CallView.of(r, now)).toList();
    }

    /** Hangs up a call in progress: BYE on both legs (CANCEL while ringing). */
    @DELETE
    @Path("active/{id}")
    @RolesAllowed("operator")
    public Response hangUp(@PathParam("id") String id, @Context SecurityContext sc) {
        if (id.length() > 64) {
            return Problem.invalid("id", "not a call id");
        }
        operations.hangUp(ApiAuthFilter.actor(sc), id);
        return Response.noContent().build();
    }

    @GET
    @Path("history")
    @RolesAllowed("auditor")
    public CallPage history(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("party") String party, @QueryParam("cause") String cause,
            @QueryParam("offset") @DefaultValue("0") @Min(value = 0, message = "must not be negative") int offset,
            @QueryParam("limit") @DefaultValue("50") @Min(value = 1, message = "at least 1")
            @Max(value = 1000, message = "at most 1000") int limit) {
        CallQuery q = CallViews.query(from, to, party, cause);
        Instant now = services.clock().instant();
        return new CallPage(store().search(q, offset, limit).stream().map(r -> CallView.of(r, now)).toList(),
                store().count(q), offset, limit);
    }

    /** The history matching the filters as CSV (at most {@value #EXPORT_MAX} rows, newest first); audited. */
    @GET
    @Path("history.csv")
    @Produces("text/csv")
    @RolesAllowed("auditor")
    public Response csv(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("party") String party, @QueryParam("cause") String cause, @Context SecurityContext sc) {
        CallQuery q = CallViews.query(from, to, party, cause);
        store(); // 404 before anything is streamed
        operations.exported(ApiAuthFilter.actor(sc), describe(q));
        StreamingOutput body = out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            write(store(), q, w);
            w.flush();
        };
        return Response.ok(body, "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"palisade-calls.csv\"")
                .header("Cache-Control", "no-store").build();
    }

    /** Writes the CSV page by page, so a large history never sits in memory at once. */
    public static void write(io.palisade.core.call.CallRecordStore store, CallQuery q, java.io.Writer w) {
        CallCsv csv = new CallCsv(w);
        csv.header();
        for (int offset = 0; offset < EXPORT_MAX; offset += EXPORT_PAGE) {
            List<CallRecord> page = store.search(q, offset, Math.min(EXPORT_PAGE, EXPORT_MAX - offset));
            page.forEach(csv::record);
            if (page.size() < EXPORT_PAGE) {
                break;
            }
        }
    }

    /** The filter as the audit log records it (user names and dates, no secrets). */
    public static String describe(CallQuery q) {
        StringBuilder b = new StringBuilder("calls");
        q.from().ifPresent(x -> b.append(" from ").append(x));
        q.to().ifPresent(x -> b.append(" to ").append(x));
        q.party().ifPresent(x -> b.append(" party ").append(x));
        q.cause().ifPresent(x -> b.append(" cause ").append(x));
        return b.length() > 200 ? b.substring(0, 200) : b.toString();
    }

    private io.palisade.core.call.CallRecordStore store() {
        if (services.callRecords() == null) {
            throw new ConsoleOperations.NotFound("call records are not available in this deployment");
        }
        return services.callRecords();
    }
}
