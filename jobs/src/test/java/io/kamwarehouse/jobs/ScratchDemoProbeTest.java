package io.kamwarehouse.jobs;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kamwarehouse.cli.Main;
import io.kamwarehouse.testing.SharedSpark;

class ScratchDemoProbeTest {
    @TempDir
    Path dir;

    private void kamw(final String... args) {
        final String[] all = new String[args.length + 6];
        System.arraycopy(new String[] {"--warehouse", dir.toString(), "--schemas", SharedSpark.schemasDir().toString(),
            "--master", "local[2]"}, 0, all, 0, 6);
        System.arraycopy(args, 0, all, 6, args.length);
        System.out.println("EXIT " + String.join(" ", args) + " -> " + Main.execute(all, System.out, System.err));
    }

    @Test
    void probe() {
        SharedSpark.spark();
        kamw("-q", "demo", "--scale", "0.02");
        kamw("generate", "--scale", "0.02", "--increment", "1");
        kamw("pipeline");
        kamw("sql", "select table_name, count(*) batches, sum(rows) rows, max(output_version) v from silver_merged_batches group by 1 order by 1");
        kamw("sql", "select opportunity_id, stage, amount, currency_code, amount_rpt, probability, updated_at, _batch_id, _updated_at from stg_crm__opportunities order by _updated_at desc, opportunity_id", "--limit", "8");
    }
}
