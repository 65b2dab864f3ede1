package dev.bedside.cli;

/** {@code bedside bench <what>}: one JSON line per run. */
final class BenchCommand {
    private BenchCommand() {}

    static int run(String[] args) {
        if (args.length == 0) throw new UsageException("usage: bedside bench gemm --m M --n N --k K");
        throw new UsageException("unknown benchmark '" + args[0] + "'");
    }
}
