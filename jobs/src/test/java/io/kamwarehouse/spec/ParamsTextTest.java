package io.kamwarehouse.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A job's params print the same text in every JVM: the text is part of the fingerprint that lets
 * an unchanged table skip its rebuild, so a var order that changes from one process to the next
 * (as {@code Map.copyOf}'s does) rebuilt a dimension and everything downstream on every other
 * scheduled run with nothing new. Checked in fresh JVMs, since one JVM always agrees with itself.
 */
class ParamsTextTest {

    /** The params' texts, one per line, for vars declared out of name order. */
    static String texts() {
        final Map<String, String> vars = new LinkedHashMap<>();
        for (final String name : List.of("zeta", "alpha", "mu", "beta", "omega", "kappa")) {
            vars.put(name, name.length() + "");
        }
        return String.join("\n",
                new SqlParams(vars, "SELECT 1", List.of()).toString(),
                new Scd2Params(vars, "SELECT 1", List.of("k"), "sk", List.of("a"), "effective_from", Scd2Params.History.SOURCE)
                        .toString(),
                new ModelParams("bg_nbd", vars, "SELECT 1", List.of(), vars).toString());
    }

    public static void main(final String[] args) {
        System.out.print(texts());
    }

    @Test
    void paramsPrintTheSameTextInEveryJvm() throws IOException, InterruptedException {
        final String here = texts();
        assertEquals(List.of("alpha", "beta", "kappa", "mu", "omega", "zeta"),
                new ArrayList<>(new SqlParams(Map.of("mu", "1", "zeta", "1", "alpha", "1", "beta", "1", "omega", "1", "kappa", "1"),
                        "SELECT 1", List.of()).vars().keySet()), "vars in name order");
        final Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        for (int i = 0; i < 4; i++) {
            final Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    ParamsTextTest.class.getName()).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            assertEquals(here, out, "the params' text in JVM " + (i + 1));
        }
    }
}
