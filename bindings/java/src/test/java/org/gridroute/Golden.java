package org.gridroute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The example bundles and the compare_jsonl.py of the shared folder, as the tests find them. */
final class Golden {
    private Golden() {}

    static Path sourceDir() {
        return Path.of(env("GRIDROUTE_SOURCE_DIR", "../.."));
    }

    static Path sharedDir() {
        return Path.of(env("GRIDROUTE_SHARED_DIR", sourceDir() + "/../shared"));
    }

    static Path lanxi() {
        return sourceDir().resolve("examples/lanxi");
    }

    static Path shuangcheng() {
        return sharedDir().resolve("examples/shuangcheng");
    }

    /** The example of the case lifecycle (contract 1.1) and of locations (SPEC §7). */
    static Path lianshi() {
        return sharedDir().resolve("examples-1.1/lianshi");
    }

    /** {@link #examples()} and the lifecycle example. */
    static Stream<Path> allExamples() {
        return Stream.concat(examples(), Stream.of(lianshi()));
    }

    /** Every bundle with expected answers of contract 1.0: the shared examples and the repository's own. */
    static Stream<Path> examples() {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(sharedDir().resolve("examples"))) {
            s.filter(d -> Files.isRegularFile(d.resolve("expected-route.jsonl"))).sorted().forEach(out::add);
        } catch (IOException e) {
            throw new AssertionError("cannot list " + sharedDir().resolve("examples"), e);
        }
        out.add(lanxi());
        return out.stream();
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    static Path tmp() throws IOException {
        Path dir = Path.of(env("GRIDROUTE_TEST_TMP", System.getProperty("java.io.tmpdir") + "/gridroute-java-tests"));
        Files.createDirectories(dir);
        return dir;
    }

    /** Writes {@code lines} to a file named {@code name} and checks it against {@code expected} with compare_jsonl.py. */
    static void compare(String name, List<String> lines, Path expected) throws IOException, InterruptedException {
        Path actual = tmp().resolve(name);
        Files.write(actual, lines, StandardCharsets.UTF_8);
        compareFiles(actual, expected);
    }

    static void compareFiles(Path actual, Path expected) throws IOException, InterruptedException {
        String script = env("GRIDROUTE_COMPARE_JSONL", sharedDir().resolve("tools/compare_jsonl.py").toString());
        Process p = new ProcessBuilder("python3", script, actual.toString(), expected.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "compare_jsonl.py did not finish");
        assertEquals(0, p.exitValue(), () -> actual + " differs from " + expected + ":\n" + out);
    }

    /** The non-blank lines of a JSON Lines file, as bytes (the CLI's splitting). */
    static List<byte[]> lines(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        org.gridroute.examples.RouteTyped.forEachLine(Files.readAllBytes(file), out::add);
        return out;
    }

    static java.time.Instant now(Path bundle) throws IOException {
        return Gridroute.parseInstant(Files.readString(bundle.resolve("NOW.txt")).trim());
    }
}
