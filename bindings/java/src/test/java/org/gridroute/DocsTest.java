package org.gridroute;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.stream.Collectors;

/** docs/java.md quotes the body of Quickstart.main, which the java_quickstart test runs: the page cannot drift. */
class DocsTest {
    @Test
    void thePageQuotesTheQuickstartAsItIs() throws Exception {
        String src = Files.readString(Golden.sourceDir().resolve(
                "bindings/java/examples/org/gridroute/examples/Quickstart.java"));
        String open = "    public static void main(String[] args) {\n";
        int start = src.indexOf(open);
        assertTrue(start >= 0, "no main in Quickstart.java");
        start += open.length();
        int end = src.indexOf("\n    }\n", start);
        String body = src.substring(start, end + 1).lines()
                .map(l -> l.startsWith("        ") ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n", "", "\n"));
        String page = Files.readString(Golden.sourceDir().resolve("docs/java.md"));
        assertTrue(page.contains("```java\n" + body + "```\n"), "docs/java.md does not quote Quickstart.main as it is");
    }
}
