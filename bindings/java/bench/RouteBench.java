import org.gridroute.CellNumbers;
import org.gridroute.Decision;
import org.gridroute.DecisionStatus;
import org.gridroute.Engine;
import org.gridroute.GridrouteException;
import org.gridroute.Issue;
import org.gridroute.examples.Json;
import org.gridroute.examples.RouteTyped;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times N routings through the Java binding's struct path (one issue at a time, and {@code routeMany} in lists
 * of 1,024 issues, with the cells by id and by number) and its batched JSON Lines path, against the C struct
 * path (examples/c/route_typed.c --repeat) and the CLI, in one run, and prints the ratios.
 *
 * <pre>java -cp ... RouteBench BUNDLE ISSUES.jsonl N ROUTE_TYPED_C GRIDROUTE_CLI WORKDIR</pre>
 *
 * The issues are the lines of ISSUES.jsonl that become an {@link Issue} and that the engine routes or
 * leaves unrouted (rejected lines cost an exception in Java and are left out), taken in turn until N.
 * Each figure is the best of three rounds, after a warm-up; CPU time is the routing thread's own. The C
 * struct path, {@code route} and the two {@code routeMany} figures are taken in the same rounds, one after
 * the other in each round, so that their ratios compare runs made under the same load.
 */
public final class RouteBench {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final int ROUNDS = 3;
    /** Issues per routeMany call. */
    private static final int LIST = 1024;

    record Figure(double wallNs, double cpuNs) {
        Figure best(Figure o) {
            return o == null ? this : new Figure(Math.min(wallNs, o.wallNs), Math.min(cpuNs, o.cpuNs));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: RouteBench BUNDLE ISSUES.jsonl N ROUTE_TYPED_C GRIDROUTE_CLI WORKDIR");
            System.exit(2);
        }
        Path bundle = Path.of(args[0]);
        Path issuesFile = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        Path cDriver = Path.of(args[3]);
        Path cli = Path.of(args[4]);
        Path work = Files.createDirectories(Path.of(args[5]));

        List<Issue> issues = new ArrayList<>();
        List<byte[]> lines = new ArrayList<>();
        try (Engine engine = Engine.load(bundle)) {
            RouteTyped.forEachLine(Files.readAllBytes(issuesFile), line -> {
                Json.IssueLine in = Json.issue(line);
                if (!in.ok()) {
                    return;
                }
                try {
                    engine.route(in.issue());
                } catch (GridrouteException e) {
                    return;
                }
                issues.add(in.issue());
                lines.add(line);
            });
        }
        if (issues.isEmpty()) {
            throw new IllegalStateException("no line of " + issuesFile + " routes");
        }
        Path selected = work.resolve("bench-issues.jsonl");
        Path batch = work.resolve("bench-" + n + ".jsonl");
        try (OutputStream a = Files.newOutputStream(selected); OutputStream b = Files.newOutputStream(batch)) {
            for (byte[] l : lines) {
                a.write(l);
                a.write('\n');
            }
            for (int i = 0; i < n; i++) {
                b.write(lines.get(i % lines.size()));
                b.write('\n');
            }
        }
        System.out.printf(Locale.ROOT, "bundle %s: %d distinct issues, %,d routings per run, best of %d%n",
                bundle, issues.size(), n, ROUNDS);

        // ---- the struct path, in alternated rounds: C one call at a time (route_typed_c --repeat), then in
        // this JVM Engine.route one call at a time, routeMany in lists of LIST issues with the cells by id,
        // and the same with the cells by number (findCells once, before the clock starts)
        Figure c = null;
        Figure typed = null;
        Figure many = null;
        Figure byNumber = null;
        long routed = 0;
        try (Engine engine = Engine.load(bundle)) {
            Map<String, Integer> cellIndex = new LinkedHashMap<>(); // the distinct cell ids, in order
            for (Issue issue : issues) {
                if (issue.cell() != null) {
                    cellIndex.putIfAbsent(issue.cell(), cellIndex.size());
                }
            }
            CellNumbers numbers = engine.findCells(new ArrayList<>(cellIndex.keySet()));
            List<Issue> numbered = new ArrayList<>(issues.size());
            for (Issue issue : issues) {
                if (issue.cell() == null) { // an issue at a location stays so
                    numbered.add(issue);
                    continue;
                }
                int k = cellIndex.get(issue.cell());
                if (numbers.number(k) == CellNumbers.NONE) {
                    throw new IllegalStateException("findCells: no cell " + issue.cell());
                }
                numbered.add(numbers.apply(k, issue));
            }
            List<List<Issue>> lists = lists(issues, n);
            List<List<Issue>> numberedLists = lists(numbered, n);
            // the same decisions three ways, for every distinct issue (not timed)
            for (int from = 0; from < issues.size(); from += LIST) {
                int to = Math.min(issues.size(), from + LIST);
                List<Decision> a = engine.routeMany(issues.subList(from, to));
                List<Decision> b = engine.routeMany(numbered.subList(from, to));
                for (int i = from; i < to; i++) {
                    Decision d = engine.route(issues.get(i));
                    if (!d.equals(a.get(i - from)) || !d.equals(b.get(i - from))) {
                        throw new IllegalStateException("routeMany differs from route for " + issues.get(i)
                                + ": " + d + " / " + a.get(i - from) + " / " + b.get(i - from));
                    }
                }
            }

            for (int i = 0; i < Math.min(n, 300_000); i++) { // warm-up: let the JIT compile the path
                engine.route(issues.get(i % issues.size()));
            }
            for (int i = 0; i * LIST < Math.min(n, 300_000); i++) {
                engine.routeMany(lists.get(i));
                engine.routeMany(numberedLists.get(i));
            }
            for (int r = 0; r < ROUNDS; r++) {
                String out = run(List.of(cDriver.toString(), "--repeat", Integer.toString(n), bundle.toString(),
                        selected.toString()));
                c = new Figure(number(out, "wall_ns_per_call"), number(out, "cpu_ns_per_call")).best(c);

                long w0 = System.nanoTime();
                long c0 = MX.getCurrentThreadCpuTime();
                routed = 0;
                for (int i = 0; i < n; i++) {
                    Decision d = engine.route(issues.get(i % issues.size()));
                    if (d.routed()) {
                        routed++;
                    }
                }
                long c1 = MX.getCurrentThreadCpuTime();
                long w1 = System.nanoTime();
                typed = new Figure((w1 - w0) / (double) n, (c1 - c0) / (double) n).best(typed);

                w0 = System.nanoTime();
                c0 = MX.getCurrentThreadCpuTime();
                long routedMany = routedMany(engine, lists);
                c1 = MX.getCurrentThreadCpuTime();
                w1 = System.nanoTime();
                many = new Figure((w1 - w0) / (double) n, (c1 - c0) / (double) n).best(many);

                w0 = System.nanoTime();
                c0 = MX.getCurrentThreadCpuTime();
                long routedByNumber = routedMany(engine, numberedLists);
                c1 = MX.getCurrentThreadCpuTime();
                w1 = System.nanoTime();
                byNumber = new Figure((w1 - w0) / (double) n, (c1 - c0) / (double) n).best(byNumber);
                if (routedMany != routed || routedByNumber != routed) {
                    throw new IllegalStateException("routed: route " + routed + ", routeMany " + routedMany
                            + ", routeMany by number " + routedByNumber);
                }
            }

            // ---- Java: one JSON line at a time (routeJson)
            Figure single = null;
            for (int i = 0; i < Math.min(n, 300_000); i++) {
                engine.routeJson(lines.get(i % lines.size()), false);
            }
            for (int r = 0; r < ROUNDS; r++) {
                long w0 = System.nanoTime();
                long c0 = MX.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    engine.routeJson(lines.get(i % lines.size()), false);
                }
                long c1 = MX.getCurrentThreadCpuTime();
                long w1 = System.nanoTime();
                single = new Figure((w1 - w0) / (double) n, (c1 - c0) / (double) n).best(single);
            }

            // ---- Java: batched JSON Lines, streamed from the file in 1 MiB blocks
            Figure jsonl = null;
            for (int r = 0; r < ROUNDS + 1; r++) { // the first round warms up
                long w0 = System.nanoTime();
                long c0 = MX.getCurrentThreadCpuTime();
                try (InputStream in = Files.newInputStream(batch)) {
                    engine.routeJsonl(in, OutputStream.nullOutputStream(), 1 << 20);
                }
                long c1 = MX.getCurrentThreadCpuTime();
                long w1 = System.nanoTime();
                if (r > 0) {
                    jsonl = new Figure((w1 - w0) / (double) n, (c1 - c0) / (double) n).best(jsonl);
                }
            }

            // ---- the CLI on the same file (to /dev/null), less its run on an empty file (start and load)
            Path empty = work.resolve("empty.jsonl");
            Files.write(empty, new byte[0]);
            Figure cliAll = null;
            Figure cliLoad = null;
            for (int r = 0; r < ROUNDS; r++) {
                cliAll = timed(cli, bundle, batch).best(cliAll);
                cliLoad = timed(cli, bundle, empty).best(cliLoad);
            }
            Figure cliLines = new Figure((cliAll.wallNs - cliLoad.wallNs) / n, (cliAll.cpuNs - cliLoad.cpuNs) / n);

            System.out.printf(Locale.ROOT, "%-44s %12s %12s%n", "per routing", "wall ns", "CPU ns");
            row("C struct path (route_typed_c --repeat)", c);
            row("Java struct path (Engine.route)", typed);
            row("Java routeMany by cell id, lists of 1024", many);
            row("Java routeMany by cell number, lists of 1024", byNumber);
            row("Java one JSON line (Engine.routeJson)", single);
            row("Java JSON Lines, 1 MiB blocks (routeJsonl)", jsonl);
            row("CLI gridroute route, less start and load", cliLines);
            System.out.printf(Locale.ROOT, "CLI start and load: %.1f ms wall%n", cliLoad.wallNs / 1e6);
            System.out.printf(Locale.ROOT, "Java struct path / C struct path: %.2fx wall, %.2fx CPU (target <= 2)%n",
                    typed.wallNs / c.wallNs, typed.cpuNs / c.cpuNs);
            System.out.printf(Locale.ROOT, "Java JSON Lines / CLI: %.2fx wall, %.2fx CPU (target <= 1.2)%n",
                    jsonl.wallNs / cliLines.wallNs, jsonl.cpuNs / cliLines.cpuNs);
            System.out.printf(Locale.ROOT, "(%d of the last %d Java routings routed)%n", routed, n);
            ratio("Java routeMany / Java struct path", many, typed);
            ratio("Java routeMany / C struct path", many, c);
            ratio("Java routeMany by number / Java struct path", byNumber, typed);
            ratio("Java routeMany by number / C struct path", byNumber, c);
        }
    }

    private static void row(String name, Figure f) {
        System.out.printf(Locale.ROOT, "%-44s %12.0f %12.0f%n", name, f.wallNs, f.cpuNs);
    }

    private static void ratio(String name, Figure a, Figure b) {
        System.out.printf(Locale.ROOT, "%s: %.2fx wall, %.2fx CPU%n", name, a.wallNs / b.wallNs, a.cpuNs / b.cpuNs);
    }

    /** {@code n} of the issues, taken in turn, in lists of {@link #LIST} (the last one shorter). */
    private static List<List<Issue>> lists(List<Issue> issues, int n) {
        List<List<Issue>> out = new ArrayList<>();
        for (int from = 0; from < n; from += LIST) {
            List<Issue> list = new ArrayList<>(Math.min(LIST, n - from));
            for (int i = from; i < Math.min(n, from + LIST); i++) {
                list.add(issues.get(i % issues.size()));
            }
            out.add(list);
        }
        return out;
    }

    /** Routes the lists with routeMany and counts the routed decisions. */
    private static long routedMany(Engine engine, List<List<Issue>> lists) {
        long routed = 0;
        for (List<Issue> list : lists) {
            for (Decision d : engine.routeMany(list)) {
                if (d.routed()) {
                    routed++;
                } else if (d.status() == DecisionStatus.REJECTED) {
                    throw new IllegalStateException("routeMany rejected " + d.id() + ": " + d.error());
                }
            }
        }
        return routed;
    }

    /** Runs the CLI and returns its wall time and CPU time (user + sys, from bash's time), in ns. */
    private static Figure timed(Path cli, Path bundle, Path input) throws IOException, InterruptedException {
        String out = run(List.of("bash", "-c", "TIMEFORMAT='%R %U %S'; time \"$0\" route \"$1\" \"$2\" >/dev/null",
                cli.toString(), bundle.toString(), input.toString()));
        String[] t = out.trim().split("\\s+");
        int k = t.length;
        return new Figure(Double.parseDouble(t[k - 3]) * 1e9, (Double.parseDouble(t[k - 2]) + Double.parseDouble(t[k - 1])) * 1e9);
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
        return out;
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\": ([0-9.]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }
}
