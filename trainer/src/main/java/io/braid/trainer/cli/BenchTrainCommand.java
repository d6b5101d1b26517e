package io.braid.trainer.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.braid.cli.support.HelpSections;
import io.braid.producers.sim.DatasetSpec;
import io.braid.producers.sim.SimulatedDataset;
import io.braid.text.Tokenizer;
import io.braid.trainer.Pretrainer;
import io.braid.trainer.data.Windows;
import io.braid.trainer.model.AdamW;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.DeviceChoice;
import io.braid.trainer.model.DiMmlModel;
import io.braid.trainer.model.Flops;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.model.MultimodalModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Training and inference speed of every objective: pairs/s at each batch size, achieved FLOP/s (FLOPs counted from
 * the shapes of every matmul/conv/linear the step issues: forward counted, backward taken as 2× forward) as a fraction
 * of a 1024² fp32 matmul measured in the same run, inference latency, and RSS at the start and end of a long run.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Benchmark training throughput, MFU, inference latency and memory of the trainer's models.")
public final class BenchTrainCommand implements Callable<Integer>, HelpSections.Declared {
    @Option(
            names = "--objectives",
            split = ",",
            defaultValue = "comm,decur,cross,crossself,dimml",
            converter = Objective.Converter.class,
            description = "objectives to measure (default: ${DEFAULT-VALUE})")
    List<Objective> objectives;

    @Option(
            names = "--batch-sizes",
            split = ",",
            defaultValue = "64,256",
            description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batchSizes;

    @Option(
            names = "--steps",
            defaultValue = "20",
            description = "timed steps per configuration (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--long-steps",
            defaultValue = "500",
            description = "steps of the CoMM memory run at batch 64, 0 to skip (default: ${DEFAULT-VALUE})")
    int longSteps;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "torch intra-op threads; 1 leaves a core to the augmentation thread and is far less sensitive"
                    + " to CPU contention than OpenMP barriers over shared cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            converter = DeviceChoice.Converter.class,
            description = "cpu | gpu | auto, as for train (default: ${DEFAULT-VALUE})")
    DeviceChoice device = DeviceChoice.CPU;

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("What", "--objectives", "--batch-sizes")
                .add("Run", "--steps", "--warmup", "--long-steps", "--seed", "--threads", "--device");
    }

    @Override
    public Integer call() throws Exception {
        TorchThreads.set(threads);
        Device dev;
        try {
            dev = device.resolve();
        } catch (IllegalArgumentException e) {
            System.err.println("bench train: " + e.getMessage());
            return 2;
        }
        System.err.println("bench train: device " + dev + ", torch threads "
                + Runtime.getRuntime().availableProcessors() + " cores visible");
        Windows data = Windows.of(SimulatedDataset.generate(DatasetSpec.defaults(seed, 1024)));
        double rssStart0 = rssMb();
        // the matmul reference is re-measured before every configuration and the best (least disturbed) value is used
        // for every row: a conservative MFU on a machine shared with other jobs
        double matmul = matmulFlops(dev);
        List<String> names = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (Objective objective : objectives) {
            String o = objective.id();
            for (int b : batchSizes) {
                matmul = Math.max(matmul, matmulFlops(dev));
                names.add(o + ":" + b);
                rows.add(measure(o, b, data, matmul));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "1024x1024 fp32 matmul: %.1f GFLOP/s (best of the run; the MFU reference)%n",
                matmul / 1e9);
        System.out.println(
                "objective  batch  pairs/s  ms/step  GFLOP/step  GFLOP/s  mfu    infer_ms/window  infer_ms/batch64");
        String result = null;
        for (int k = 0; k < rows.size(); k++) {
            String o = names.get(k).split(":")[0];
            int b = Integer.parseInt(names.get(k).split(":")[1]);
            double[] r = rows.get(k);
            System.out.printf(
                    Locale.ROOT,
                    "%-9s  %5d  %7.0f  %7.1f  %10.3f  %7.1f  %.3f  %15.2f  %16.2f%n",
                    o,
                    b,
                    r[0],
                    r[1],
                    r[2] / 1e9,
                    r[3] / 1e9,
                    r[3] / matmul,
                    r[4],
                    r[5]);
            if ("comm".equals(o) && b == batchSizes.get(batchSizes.size() - 1))
                result = String.format(
                        Locale.ROOT,
                        "RESULT train objective=comm batch=%d pairs_per_s=%.1f mfu=%.4f infer_ms_per_window=%.3f"
                                + " infer_ms_per_batch64=%.3f matmul_gflops=%.1f",
                        b,
                        r[0],
                        r[3] / matmul,
                        r[4],
                        r[5],
                        matmul / 1e9);
        }
        if (longSteps > 0) {
            double[] rss = longRun(data);
            System.out.printf(
                    Locale.ROOT,
                    "memory: CoMM batch 64, %d steps (after GC): RSS %.0f -> %.0f MB, native (RSS - committed heap)"
                            + " %.0f -> %.0f MB (JVM start %.0f MB)%n",
                    longSteps,
                    rss[0],
                    rss[1],
                    rss[2],
                    rss[3],
                    rssStart0);
            if (result != null)
                result += String.format(
                        Locale.ROOT,
                        " rss_start_mb=%.0f rss_end_mb=%.0f native_start_mb=%.0f native_end_mb=%.0f",
                        rss[0],
                        rss[1],
                        rss[2],
                        rss[3]);
        }
        if (result != null) System.out.println(result);
        return 0;
    }

    /**
     * The offline pairs/s of {@code objective} at batch {@code batch} on the CPU: this command's own measurement, for
     * {@code bench trainer}'s online/offline ratio in the same run.
     */
    public static double offlinePairsPerSecond(String objective, int batch, int steps, int warmup, long seed) {
        BenchTrainCommand b = new BenchTrainCommand();
        b.steps = steps;
        b.warmup = warmup;
        b.seed = seed;
        Windows data = Windows.of(SimulatedDataset.generate(DatasetSpec.defaults(seed, 1024)));
        return b.measure(objective, batch, data, 1)[0];
    }

    static ModelConfig cfg(String o, long seed) {
        return ModelConfig.defaults(o, Tokenizer.defaultTokenizer().vocabularySize(), seed);
    }

    /** Host batches through the offline path (Flink job's augmentation → mm.train adapter), made before timing. */
    List<Batch> hostBatches(Windows data, MultimodalModel model, int b, int count) {
        int views = model.viewsPerSample();
        var adapter = Windows.adapter(model.config());
        List<Batch> out = new ArrayList<>();
        List<int[]> batches = data.epochBatches(Math.min(b, data.segments()), new SplittableRandom(seed));
        SplittableRandom r = new SplittableRandom(seed + b);
        for (int k = 0; k < count; k++) {
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) idx[i] = r.nextInt(data.size);
            if (b <= data.segments() && k < batches.size()) idx = batches.get(k);
            int[] lab = new int[b];
            for (int i = 0; i < b; i++) lab[i] = 4 * data.factors[idx[i]].prof() + data.factors[idx[i]].tex();
            out.add(data.augmented(adapter, idx, views, k, lab));
        }
        return out;
    }

    /** [pairs/s, ms/step, FLOP/step, FLOP/s, infer ms/window, infer ms/batch of 64]. */
    double[] measure(String o, int b, Windows data, double matmul) {
        try (NDManager manager = NDManager.newBaseManager(device.resolve());
                MultimodalModel model = MultimodalModel.create(cfg(o, seed), manager)) {
            if (model instanceof DiMmlModel di)
                di.setDucMasks(DiMmlModel.ducMasks(
                        randomFeatures(data.size, model.config().d()), labels(data), 16));
            List<Batch> batches = hostBatches(data, model, b, 4);
            Pretrainer t = new Pretrainer(model, manager, new Pretrainer.Options(1, b, 1e-3, 1e-2, seed, 1));
            AdamW opt = new AdamW(model.params(), 1e-4, 1e-2);
            long flops;
            try (NDManager step = manager.newSubManager()) {
                Flops.start();
                model.loss(batches.get(0).toNd(step));
                flops = 3 * Flops.stop();
            }
            for (int i = 0; i < warmup; i++) t.step(batches.get(i % batches.size()), opt);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) t.step(batches.get(i % batches.size()), opt);
            double sec = (System.nanoTime() - t0) / 1e9;
            double stepsPerS = steps / sec;
            Windows w = data;
            double one = latency(model, manager, w, 1, 50), b64 = latency(model, manager, w, 64, 20);
            return new double[] {stepsPerS * b, 1000 / stepsPerS, flops, flops * stepsPerS, one, b64};
        }
    }

    static double latency(MultimodalModel model, NDManager manager, Windows data, int b, int reps) {
        int[] idx = new int[b];
        for (int i = 0; i < b; i++) idx[i] = i;
        double[] ms = new double[reps + 3];
        for (int r = 0; r < ms.length; r++) {
            long t0 = System.nanoTime();
            try (NDManager step = manager.newSubManager()) {
                model.features(data.plain(idx, null).toNd(step)).toFloatArray();
            }
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        double[] timed = Arrays.copyOfRange(ms, 3, ms.length);
        Arrays.sort(timed);
        return timed[timed.length / 2];
    }

    /**
     * [RSS start, RSS end, native start, native end] in MB, where native = RSS − committed heap and non-heap, each taken after
     * a GC: RSS alone also grows while the JVM expands its heap before collecting (DJL creates small wrapper objects
     * per op), which is not native memory.
     */
    double[] longRun(Windows data) {
        try (NDManager manager = NDManager.newBaseManager(device.resolve());
                MultimodalModel model = MultimodalModel.create(cfg("comm", seed), manager)) {
            List<Batch> batches = hostBatches(data, model, 64, 8);
            Pretrainer t = new Pretrainer(model, manager, new Pretrainer.Options(1, 64, 1e-3, 1e-2, seed, 1));
            AdamW opt = new AdamW(model.params(), 1e-3, 1e-2);
            for (int i = 0; i < 20; i++) t.step(batches.get(i % batches.size()), opt);
            double[] start = memory();
            System.err.printf(Locale.ROOT, "long run: step 0 RSS %.0f MB, native %.0f MB%n", start[0], start[1]);
            double[] end = start;
            for (int i = 0; i < longSteps; i++) {
                t.step(batches.get(i % batches.size()), opt);
                if ((i + 1) % 100 == 0) {
                    end = memory();
                    System.err.printf(
                            Locale.ROOT, "long run: step %d RSS %.0f MB, native %.0f MB%n", i + 1, end[0], end[1]);
                }
            }
            return new double[] {start[0], end[0], start[1], end[1]};
        }
    }

    /** [RSS, RSS − the JVM's committed heap and non-heap] after a GC, MB. */
    public static double[] memory() {
        System.gc();
        double rss = rssMb();
        // heap and non-heap (metaspace, code cache) are the JVM's own and grow while it warms up; the rest is native
        double jvm = (Runtime.getRuntime().totalMemory()
                        + ManagementFactory.getMemoryMXBean()
                                .getNonHeapMemoryUsage()
                                .getCommitted())
                / 1048576.0;
        return new double[] {rss, rss - jvm};
    }

    static double matmulFlops(Device dev) {
        try (NDManager m = NDManager.newBaseManager(dev)) {
            NDArray a = m.randomNormal(new Shape(1024, 1024)), b = m.randomNormal(new Shape(1024, 1024));
            for (int i = 0; i < 3; i++) a.matMul(b).close();
            int reps = 30;
            double best = Double.MAX_VALUE;
            long total = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                a.matMul(b).close();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            double mean = (System.nanoTime() - total) / 1e9 / reps;
            // the median-ish mean under load is the fair reference for steps measured under the same load
            return 2.0 * 1024 * 1024 * 1024 / mean;
        }
    }

    public static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
        } catch (Exception e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    static float[][][] randomFeatures(int n, int d) {
        SplittableRandom r = new SplittableRandom(5);
        float[][][] f = new float[3][n][d];
        for (float[][] a : f) for (float[] row : a) for (int j = 0; j < d; j++) row[j] = (float) r.nextGaussian();
        return f;
    }

    static int[] labels(Windows data) {
        int[] y = new int[data.size];
        for (int i = 0; i < y.length; i++) y[i] = 4 * data.factors[i].prof() + data.factors[i].tex();
        return y;
    }
}
