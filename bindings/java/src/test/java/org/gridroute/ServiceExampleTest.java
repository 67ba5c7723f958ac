package org.gridroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.gridroute.examples.GridrouteService;
import org.gridroute.examples.GridrouteService.Response;
import org.gridroute.examples.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

/** The service example's endpoints, as a controller test would call them. */
class ServiceExampleTest {
    static final String ISSUE = "{\"id\": \"I-1\", \"category\": \"env.noise.loudspeaker\", \"cell\": \"qiaodong-a-01\","
            + " \"at\": \"2026-11-20T09:40:00+08:00\", \"attrs\": {\"severity\": 3}}";
    static final String CASE = "{\"id\": \"C-1\", \"category\": \"env.noise.loudspeaker\", \"cell\": \"qiaodong-a-01\","
            + " \"at\": \"2026-11-23T09:30:00+08:00\", \"level\": 0, \"level_started_at\": \"2026-11-23T09:30:00+08:00\","
            + " \"responded\": false, \"reports\": 0, \"status\": \"open\"}";

    private static JsonNode json(Response r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void everyEndpointAnswers() throws Exception {
        try (GridrouteService service = new GridrouteService(Golden.lanxi())) {
            Response r = service.route(ISSUE);
            assertEquals(200, r.status(), r.body());
            assertEquals("squad-1", json(r).get("handler").asText());
            assertEquals("2026-11-23T17:00:00+08:00", json(r).get("resolve_by").asText());

            assertEquals(Gridroute.BINDING_VERSION, Gridroute.version());
            r = service.route(ISSUE.replace("\"I-1\"", "20261120001"));
            assertEquals(200, r.status(), r.body());
            assertTrue(json(r).get("id").isIntegralNumber(), r.body());
            assertEquals(20261120001L, json(r).get("id").longValue());
            assertTrue(json(r).get("bundle").asText().matches("[0-9a-f]{16,}"), r.body());

            r = service.route(ISSUE.replace("qiaodong-a-01", "nowhere"));
            assertEquals(422, r.status());
            assertEquals("unknown cell 'nowhere'", json(r).get("error").asText());
            assertEquals("I-1", json(r).get("id").asText());
            assertEquals(422, service.route("{not json").status());

            r = service.routeBatch(ISSUE + "\n" + ISSUE.replace("I-1", "I-2") + "\n");
            assertEquals(2, r.body().split("\n").length);

            r = service.escalate(CASE, "2026-11-23T10:00:00+08:00");
            assertEquals(200, r.status(), r.body());
            assertEquals("hold", json(r).get("action").asText());
            assertEquals(400, service.escalate(CASE, "yesterday").status());
            assertEquals(422, service.escalate(CASE.replace("\"level\": 0", "\"level\": 9"), "2026-11-23T10:00:00+08:00").status());

            assertEquals(200, service.check().status());
            assertEquals(1, json(service.check()).get("diagnostics").size());  // lanxi's deliberate ne (L04)
            assertEquals(200, service.reload().status());
            assertEquals("ok", json(service.health()).get("status").asText());
        }
    }

    @Test
    void aRefusedReloadKeepsServing() throws Exception {
        Path dir = Golden.tmp().resolve("service-bundle");
        Files.createDirectories(dir);
        for (String f : new String[] {"jurisdiction.json", "rules.json", "units.csv", "handlers.csv"}) {
            Files.copy(Golden.lanxi().resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (GridrouteService service = new GridrouteService(dir)) {
            Files.writeString(dir.resolve("rules.json"), "{\"format\": \"gridroute.rules/1\"}");
            Response r = service.reload();
            assertEquals(409, r.status(), r.body());
            assertTrue(json(r).get("diagnostics").size() > 0, r.body());
            assertEquals(200, service.route(ISSUE).status());
        } finally {
            Files.copy(Golden.lanxi().resolve("rules.json"), dir.resolve("rules.json"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
