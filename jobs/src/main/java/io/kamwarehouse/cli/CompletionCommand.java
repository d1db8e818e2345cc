package io.kamwarehouse.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kamw completion}: the bash (and zsh) completion script picocli generates from the commands themselves. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a completion script for bash and zsh, generated from the commands and options themselves. "
                + "Load it with: source <(bin/kamw completion)"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        System.out.print(picocli.AutoComplete.bash("kamw", spec.root().commandLine()));
        return 0;
    }
}
