package org.gridroute.examples;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.gridroute.Action;
import org.gridroute.BundleException;
import org.gridroute.Decision;
import org.gridroute.Diagnostic;
import org.gridroute.Engine;
import org.gridroute.Gridroute;
import org.gridroute.GridrouteException;
import org.gridroute.RejectedException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A routing service shaped like a Spring controller, without the framework: one method per endpoint, each
 * taking the request body and returning the status, type and body of the response. In a Spring Boot
 * application the class would carry {@code @RestController}, each method {@code @PostMapping}/{@code
 * @GetMapping} with {@code @RequestBody String body}, and return {@code ResponseEntity}; the engine would be
 * a singleton bean closed on shutdown ({@code @Bean(destroyMethod = "close")}).
 *
 * <p>One {@link Engine} serves every request thread at once; {@code POST /admin/reload} swaps the bundle in
 * while requests are being answered.
 */
public final class GridrouteService implements AutoCloseable {
    /** An HTTP response: status, content type, body. */
    public record Response(int status, String contentType, String body) {
        static Response json(int status, String body) {
            return new Response(status, "application/json", body);
        }
    }

    private final Path bundle;
    private final Engine engine;

    /** Loads the bundle; a refused bundle fails the application's start with every problem listed. */
    public GridrouteService(Path bundle) {
        this.bundle = bundle;
        this.engine = Engine.load(bundle);
    }

    /** {@code POST /issues/route}: one issue (SPEC §4) → 200 and its decision, or 422 and a rejected record. */
    public Response route(String body) {
        Json.IssueLine in = Json.issue(body.strip().getBytes(StandardCharsets.UTF_8));
        if (!in.ok()) {
            return Response.json(422, Json.rejected(in.id(), in.error(), engine.digest()));
        }
        try {
            Decision d = engine.route(in.issue());
            return Response.json(200, Json.decision(d, in.id())); // an integer id goes back as one
        } catch (RejectedException e) {
            return Response.json(422, Json.rejected(in.id(), e.getMessage(), engine.digest()));
        }
    }

    /**
     * {@code POST /issues/route-batch}: JSON Lines → one decision line per issue line, in order (the engine's
     * own JSON codec, the fastest way in; bad lines get rejected records and never fail the batch).
     */
    public Response routeBatch(String body) {
        return new Response(200, "application/x-ndjson", engine.routeJsonl(body));
    }

    /** {@code POST /cases/escalate?now=RFC3339}: one case → 200 and its action, or 422 and a rejected record. */
    public Response escalate(String body, String now) {
        Instant t;
        try {
            t = Gridroute.parseInstant(now);
        } catch (GridrouteException e) {
            return Response.json(400, error("now: " + e.getMessage()));
        }
        Json.CaseLine in = Json.kase(body.strip().getBytes(StandardCharsets.UTF_8));
        if (!in.ok()) {
            return Response.json(422, Json.rejectedCase(in.id(), in.error(), engine.digest()));
        }
        try {
            Action a = engine.escalate(in.kase(), t);
            return Response.json(200, Json.action(a, in.id()));
        } catch (RejectedException e) {
            return Response.json(422, Json.rejectedCase(in.id(), e.getMessage(), engine.digest()));
        }
    }

    /** {@code POST /admin/reload}: loads the bundle directory again and swaps it in; 409 when it is refused. */
    public Response reload() {
        try {
            engine.reload(bundle);
            return Response.json(200, "{\"reloaded\": true}");
        } catch (BundleException e) {
            return Response.json(409, diagnostics(e.getMessage(), e.diagnostics()));
        }
    }

    /** {@code GET /admin/check}: the lint findings of the bundle being served. */
    public Response check() {
        return Response.json(200, diagnostics("ok", engine.check()));
    }

    /** {@code GET /health}: the library and binding versions. */
    public Response health() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("status", "ok");
        o.put("library", Gridroute.version());
        o.put("binding", Gridroute.BINDING_VERSION);
        return Response.json(200, o.toString());
    }

    @Override
    public void close() {
        engine.close();
    }

    private static String error(String message) {
        return Json.MAPPER.createObjectNode().put("error", message).toString();
    }

    private static String diagnostics(String message, List<Diagnostic> list) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("message", message);
        ArrayNode a = o.putArray("diagnostics");
        for (Diagnostic d : list) {
            a.add(d.text());
        }
        return o.toString();
    }

    /** Calls each endpoint once: {@code GridrouteService BUNDLE} (e.g. examples/lanxi). */
    public static void main(String[] args) {
        Path bundle = Path.of(args.length > 0 ? args[0] : "examples/lanxi");
        try (GridrouteService service = new GridrouteService(bundle)) {
            System.out.println("GET /health -> " + service.health());
            String issue = "{\"id\": \"I-1\", \"category\": \"env.noise.loudspeaker\", \"cell\": \"qiaodong-a-01\","
                    + " \"at\": \"2026-11-20T09:40:00+08:00\", \"attrs\": {\"severity\": 3}}";
            Response r = service.route(issue);
            System.out.println("POST /issues/route -> " + r);
            System.out.println("POST /issues/route (unknown cell) -> "
                    + service.route(issue.replace("qiaodong-a-01", "nowhere")));
            System.out.println("POST /issues/route-batch -> " + service.routeBatch(issue + "\n" + issue.replace("I-1", "I-2")));
            String kase = "{\"id\": \"C-1\", \"category\": \"env.noise.loudspeaker\", \"cell\": \"qiaodong-a-01\","
                    + " \"at\": \"2026-11-23T09:30:00+08:00\", \"level\": 0, \"level_started_at\": \"2026-11-23T09:30:00+08:00\","
                    + " \"responded\": false, \"reports\": 0, \"status\": \"open\"}";
            System.out.println("POST /cases/escalate -> " + service.escalate(kase, "2026-11-23T10:00:00+08:00"));
            System.out.println("POST /admin/reload -> " + service.reload());
            System.out.println("GET /admin/check -> " + service.check());
            Decision d = service.engine.route(Json.issue(issue.getBytes(StandardCharsets.UTF_8)).issue());
            System.out.println(d.status().wireName() + " " + d.handler() + " until " + d.resolveBy());
        }
    }
}
