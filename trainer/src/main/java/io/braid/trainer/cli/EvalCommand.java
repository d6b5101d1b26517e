package io.braid.trainer.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.braid.augment.AugmentationParams;
import io.braid.cli.support.HelpSections;
import io.braid.cli.support.ProgressLine;
import io.braid.producers.sim.Rendering;
import io.braid.producers.sim.SegmentFactors;
import io.braid.text.Tokenizer;
import io.braid.trainer.Features;
import io.braid.trainer.Pretrainer;
import io.braid.trainer.data.Windows;
import io.braid.trainer.eval.Ci;
import io.braid.trainer.eval.ProbeSuite;
import io.braid.trainer.eval.SeedPlan;
import io.braid.trainer.model.Batch;
import io.braid.trainer.model.DiMmlModel;
import io.braid.trainer.model.ModelConfig;
import io.braid.trainer.model.ModelStore;
import io.braid.trainer.model.MultimodalModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Pre-trains one objective on the simulated robot benchmark (no Kafka) and prints the probe table of methods.md §6.6
 * with chance levels and additive-code ceilings; DI-MML instead reports its supervised task-C accuracies.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Pre-train an objective on the simulated robot benchmark and run the R/U/S linear-probe suite.")
public final class EvalCommand implements Callable<Integer>, HelpSections.Declared {
    @Option(
            names = "--objective",
            defaultValue = "comm",
            description = "comm | decur | cross | crossself | dimml | all (all = comm, cross, crossself, decur one"
                    + " after the other; the RESULT line carries comm's cells and each baseline's S1/S2)"
                    + " (default: ${DEFAULT-VALUE})")
    String objectiveName;

    @Option(names = "--smoke", description = "small CI configuration: 1024/512/512 ticks, 3 epochs, 3-fold CV")
    boolean smoke;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "base seed: run i draws data, initialisation and augmentation from independent"
                    + " SplitMix64(base, i, purpose) sub-seeds (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--seeds",
            defaultValue = "1",
            description = "independent runs; every cell is reported as mean and 95%% t-interval over them (>= 2 for"
                    + " an interval; 3 for the README tables) (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(
            names = "--parallel",
            defaultValue = "1",
            description = "seeds trained at once, each on its own thread (with --threads 1, up to about the core count"
                    + " pays: one seed keeps ~1.1 cores busy); results do not depend on it (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(
            names = "--no-mlp",
            description = "skip the MLP probe (one hidden layer of 64 ReLU units) beside the linear one")
    boolean noMlp;

    @Option(
            names = "--p-bias",
            defaultValue = "1.0",
            description = "pre-training P(colour = pi(rhythm)), the S1 rule's bias (default: ${DEFAULT-VALUE})")
    double pBias;

    @Option(
            names = "--sensor-noise",
            defaultValue = "0.25",
            description = "sensor noise std before standardisation (default: ${DEFAULT-VALUE})")
    double sensorNoise;

    @Option(
            names = "--pixel-noise",
            defaultValue = "0.03",
            description = "image background noise std (default: ${DEFAULT-VALUE})")
    double pixelNoise;

    @Option(
            names = "--segment-ticks",
            defaultValue = "8-24",
            description = "pre-training segment length range in ticks, MIN-MAX (default: ${DEFAULT-VALUE})")
    String segmentTicks;

    @Option(
            names = "--probe-segment-ticks",
            defaultValue = "1-2",
            description = "probe-set segment length range in ticks, MIN-MAX: short segments give ~10x the segments of"
                    + " 8-24 for the same ticks (default: ${DEFAULT-VALUE})")
    String probeSegmentTicks;

    @Option(
            names = "--s1-values",
            defaultValue = "4",
            description = "K1, the number of rhythms and of colours (2..8); pi is a fixed permutation of 0..K1-1"
                    + " (the stored {2,0,3,1} for 4) and S1 stays binary (default: ${DEFAULT-VALUE})")
    int s1Values;

    @Option(
            names = "--s2-values",
            defaultValue = "4",
            description = "K2, the number of drift patterns and of zones (2..8): S2 = (drift + zone) mod K2, K2"
                    + " classes, chance 1/K2; at most the tokenizer's zone words (4 in v1) (default: ${DEFAULT-VALUE})")
    int s2Values;

    @Option(
            names = "--clip-norm",
            defaultValue = "0",
            description = "global gradient-norm clip, 0 = off as methods.md 2.6 (default: ${DEFAULT-VALUE})")
    double clipNorm;

    @Option(names = "--epochs", description = "pre-training epochs (default 20, smoke 3)")
    Integer epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "pairs per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(
            names = "--weight-decay",
            defaultValue = "1e-2",
            description = "decoupled weight decay (default: ${DEFAULT-VALUE})")
    double wd;

    @Option(names = "--pretrain-ticks", description = "pre-training ticks (default 6144, smoke 1024)")
    Integer pretrainTicks;

    @Option(names = "--probe-train-ticks", description = "probe-train ticks (default 3072, smoke 512)")
    Integer probeTrainTicks;

    @Option(names = "--probe-test-ticks", description = "probe-test ticks (default 2048, smoke 512)")
    Integer probeTestTicks;

    @Option(names = "--folds", description = "CV folds for choosing C (default 5, smoke 3)")
    Integer folds;

    @Option(names = "--save", description = "save the trained model (config + weights) to this directory")
    Path save;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "torch intra-op threads; 1 leaves a core to the augmentation thread and is far less sensitive"
                    + " to CPU contention than OpenMP barriers over shared cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--brightness",
            defaultValue = "0.4",
            description = "image ColorJitter brightness strength in pre-training (default: ${DEFAULT-VALUE})")
    double brightness;

    @Option(
            names = "--contrast",
            defaultValue = "0.4",
            description = "image ColorJitter contrast strength in pre-training (default: ${DEFAULT-VALUE})")
    double contrast;

    @Option(
            names = "--saturation",
            defaultValue = "0.4",
            description = "image ColorJitter saturation strength in pre-training (default: ${DEFAULT-VALUE})")
    double saturation;

    @Option(
            names = "--hue",
            defaultValue = "0.1",
            description =
                    "image ColorJitter hue strength (fraction of a turn) in pre-training (default: ${DEFAULT-VALUE})")
    double hue;

    @Option(
            names = "--jitter-p",
            defaultValue = "0.8",
            description = "probability of the image ColorJitter in pre-training (default: ${DEFAULT-VALUE})")
    double jitterP;

    @Option(
            names = "--grayscale-p",
            defaultValue = "0.2",
            description = "image RandomGrayscale probability in pre-training (default: ${DEFAULT-VALUE})")
    double grayscaleP;

    @Option(
            names = "--sensor-drop-p",
            defaultValue = "0.5",
            description = "probability of the sensor time-step drop in the pre-training views; the drop can erase the"
                    + " S1 rhythm (default: ${DEFAULT-VALUE})")
    double sensorDropP;

    @Option(
            names = "--modality-dropout-p",
            defaultValue = "0",
            description = "per-modality dropout probability in the pre-training views, as the Flink job's"
                    + " --aug-modality-dropout-p (default: ${DEFAULT-VALUE})")
    double modalityDropoutP;

    @Option(
            names = "--comm-full-weight",
            defaultValue = "1",
            description = "CoMM: weight w of the full multimodal term, loss = (sum_i L_i + w L_full) / (3 + w)"
                    + " (default: ${DEFAULT-VALUE})")
    double commFullWeight;

    @Option(names = "--d", defaultValue = "64", description = "embedding / fusion width (default: ${DEFAULT-VALUE})")
    int d;

    @Option(
            names = "--fusion-layers",
            defaultValue = "1",
            description = "CoMM fusion transformer layers (default: ${DEFAULT-VALUE})")
    int fusionLayers;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Refuses nonsense before any work starts (exit code 2 with the option's name). */
    void validate() {
        var cmd = spec.commandLine();
        if (batch < 2) throw new picocli.CommandLine.ParameterException(cmd, "--batch-size must be at least 2");
        if (epochs != null && epochs < 1)
            throw new picocli.CommandLine.ParameterException(cmd, "--epochs must be >= 1");
        if (lr <= 0) throw new picocli.CommandLine.ParameterException(cmd, "--lr must be > 0");
        if (d < 8 || d % 8 != 0) throw new picocli.CommandLine.ParameterException(cmd, "--d must be a multiple of 8");
        if (fusionLayers < 1) throw new picocli.CommandLine.ParameterException(cmd, "--fusion-layers must be >= 1");
        if (seeds < 1) throw new picocli.CommandLine.ParameterException(cmd, "--seeds must be >= 1");
        if (parallel < 1) throw new picocli.CommandLine.ParameterException(cmd, "--parallel must be >= 1");
        if (!(pBias >= 0 && pBias <= 1))
            throw new picocli.CommandLine.ParameterException(cmd, "--p-bias must be in [0,1]");
        if (!(sensorNoise >= 0) || !(pixelNoise >= 0))
            throw new picocli.CommandLine.ParameterException(cmd, "noise levels must be >= 0");
        if (!(sensorDropP >= 0 && sensorDropP <= 1) || !(modalityDropoutP >= 0 && modalityDropoutP < 1))
            throw new picocli.CommandLine.ParameterException(
                    cmd, "--sensor-drop-p must be in [0,1] and --modality-dropout-p in [0,1)");
        if (clipNorm < 0) throw new picocli.CommandLine.ParameterException(cmd, "--clip-norm must be >= 0");
        range(cmd, "--segment-ticks", segmentTicks);
        range(cmd, "--probe-segment-ticks", probeSegmentTicks);
        for (int k : new int[] {s1Values, s2Values})
            if (k < Rendering.MIN_SYNERGY_VALUES || k > Rendering.MAX_SYNERGY_VALUES)
                throw new picocli.CommandLine.ParameterException(
                        cmd,
                        "--s1-values and --s2-values must be in " + Rendering.MIN_SYNERGY_VALUES + ".."
                                + Rendering.MAX_SYNERGY_VALUES + ", got " + s1Values + " and " + s2Values);
        try {
            Rendering.checkCardinalities(s1Values, s2Values);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(cmd, "--s2-values " + s2Values + ": " + e.getMessage());
        }
        objectives(cmd);
    }

    static int[] range(picocli.CommandLine cmd, String name, String v) {
        try {
            io.braid.producers.cli.TickRange r = io.braid.producers.cli.TickRange.parse(v);
            if (r.min() < 1 || r.max() < r.min()) throw new IllegalArgumentException();
            return new int[] {r.min(), r.max()};
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(cmd, name + " must be MIN-MAX with 1 <= MIN <= MAX");
        }
    }

    /** The pre-training views' augmentation: methods.md §6.7 with this command's colour, drop and dropout knobs. */
    AugmentationParams augmentation() {
        return AugmentationParams.DEFAULTS
                .withColour(brightness, contrast, saturation, hue, jitterP, grayscaleP)
                .withSensorDropP(sensorDropP)
                .withModalityDropoutP(modalityDropoutP);
    }

    List<Objective> objectives(picocli.CommandLine cmd) {
        if (objectiveName.equalsIgnoreCase("all"))
            return List.of(Objective.COMM, Objective.CROSS, Objective.CROSSSELF, Objective.DECUR);
        try {
            return List.of(new Objective.Converter().convert(objectiveName));
        } catch (RuntimeException e) {
            throw new picocli.CommandLine.ParameterException(
                    cmd, "--objective must be one of " + Objective.ids() + ", all; got " + objectiveName);
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        TorchThreads.set(threads);
        var cmd = spec.commandLine();
        int ep = epochs != null ? epochs : smoke ? 3 : 20;
        int pre = pretrainTicks != null ? pretrainTicks : smoke ? 1024 : 6144;
        int ptr = probeTrainTicks != null ? probeTrainTicks : smoke ? 512 : 3072;
        int pte = probeTestTicks != null ? probeTestTicks : smoke ? 512 : 2048;
        int nf = folds != null ? folds : smoke ? 3 : 5;
        int[] seg = range(cmd, "--segment-ticks", segmentTicks),
                pseg = range(cmd, "--probe-segment-ticks", probeSegmentTicks);
        ProbeSuite.Bench bench = new ProbeSuite.Bench(
                pBias, sensorNoise, pixelNoise, seg[0], seg[1], pseg[0], pseg[1], s1Values, s2Values);
        List<Objective> objs = objectives(cmd);
        String config = String.format(
                Locale.ROOT,
                "seeds=%d base_seed=%d pretrain_ticks=%d probe_train_ticks=%d probe_test_ticks=%d epochs=%d batch=%d"
                        + " lr=%s wd=%s folds=%d %s clip_norm=%s mlp_probe=%s d=%d fusion_layers=%d comm_full_weight=%s"
                        + " aug=%s%s",
                seeds,
                seed,
                pre,
                ptr,
                pte,
                ep,
                batch,
                lr,
                wd,
                nf,
                bench,
                clipNorm,
                !noMlp,
                d,
                fusionLayers,
                commFullWeight,
                augmentation().canonical(),
                smoke ? " size=smoke" : "");
        System.err.printf(
                "eval %s: device %s, %s%n", objectiveName, Engine.getInstance().defaultDevice(), config);
        int[] pi = ProbeSuite.generate(seed, 0, 0, 0, bench).colorMap();
        List<ProbeSuite.OracleRow> oracle = null;
        StringBuilder result = new StringBuilder("RESULT eval objective=" + objectiveName.toLowerCase(Locale.ROOT));
        for (int oi = 0; oi < objs.size(); oi++) {
            Objective objective = objs.get(oi);
            if (objective != Objective.DIMML && oracle == null) {
                System.err.println("probing the oracle codes ...");
                oracle = ProbeSuite.oracleRows(pi, s2Values, nf, 2);
            }
            Cells cells = new Cells(seeds);
            SeedRun run =
                    new SeedRun(objective, ep, pre, ptr, pte, nf, bench, oracle, save != null && objs.size() == 1);
            List<SeedOutcome> outcomes = runSeeds(run, cells);
            double trainSeconds = 0;
            int[] segs = new int[3];
            int featDim = 0;
            for (SeedOutcome o : outcomes) {
                trainSeconds += o.trainSeconds();
                for (int k = 0; k < 3; k++) segs[k] += o.segments()[k];
                featDim = Math.max(featDim, o.featureDim());
            }
            String header = String.format(
                    Locale.ROOT,
                    "objective %s, %d seed(s) (base %d), %d epochs, %.0f s training in all, probe features %d-d;"
                            + " segments per seed (mean): pre-train %.0f, probe-train %.0f, probe-test %.0f%n  %s",
                    objective,
                    seeds,
                    seed,
                    ep,
                    trainSeconds,
                    featDim,
                    segs[0] / (double) seeds,
                    segs[1] / (double) seeds,
                    segs[2] / (double) seeds,
                    config);
            System.out.println(header);
            if (objective == Objective.DIMML) {
                printDiMml(cells);
                if (objs.size() == 1) for (String k : DIMML_KEYS) cells.append(result, k, k);
                continue;
            }
            printTable(cells, oracle, pi);
            if (oi == 0) {
                for (ProbeSuite.OracleRow o : oracle) {
                    cells.append(result, o.name(), o.name());
                    if (o.name().startsWith("S")) {
                        double chance = 1.0 / classes(pi).get(o.name());
                        double thr = thresholdBound(o.name(), pi);
                        result.append(String.format(
                                Locale.ROOT,
                                " %1$s_ceiling=%2$.4f %1$s_oracle_probe=%3$.4f",
                                o.name(),
                                Math.max(chance, o.linear()),
                                o.linear()));
                        // absent where no bound is known (S2 with K2 != 4)
                        if (!Double.isNaN(thr))
                            result.append(String.format(Locale.ROOT, " %s_threshold_bound=%.4f", o.name(), thr));
                        result.append(String.format(Locale.ROOT, " %s_oracle_joint=%.4f", o.name(), o.linearJoint()));
                        if (!Double.isNaN(o.mlp()))
                            result.append(String.format(Locale.ROOT, " %s_oracle_mlp=%.4f", o.name(), o.mlp()));
                        cells.append(result, o.name() + "_mlp", o.name() + "_mlp");
                    }
                }
                for (String k : cells.keys())
                    if (k.startsWith("diag_") || k.startsWith("proj_")) cells.append(result, k, k);
            } else {
                for (String k : List.of("S1", "S2")) cells.append(result, k, objective + "_" + k);
                for (String k : cells.keys()) if (k.startsWith("proj_S")) cells.append(result, k, objective + "_" + k);
            }
        }
        System.out.println("CONFIG eval objective=" + objectiveName.toLowerCase(Locale.ROOT) + " " + config);
        System.out.println(result);
        return 0;
    }

    /** What every seed of one objective shares: the objective, sizes, benchmark, oracle rows, whether seed 1 is saved. */
    private record SeedRun(
            Objective objective,
            int epochs,
            int pretrainTicks,
            int probeTrainTicks,
            int probeTestTicks,
            int folds,
            ProbeSuite.Bench bench,
            List<ProbeSuite.OracleRow> oracle,
            boolean saveFirst) {}

    /** One seed's training time, segment counts (pre-train, probe-train, probe-test) and probe-feature width. */
    private record SeedOutcome(double trainSeconds, int[] segments, int featureDim) {}

    /**
     * Runs seeds 0..seeds-1 of {@code r}, up to {@code --parallel} at once (each on its own thread, model and native
     * manager; the result of a seed does not depend on what runs beside it), and returns their outcomes in seed order.
     */
    private List<SeedOutcome> runSeeds(SeedRun r, Cells cells) throws Exception {
        int workers = Math.min(parallel, seeds);
        if (workers == 1) {
            List<SeedOutcome> out = new java.util.ArrayList<>();
            for (int i = 0; i < seeds; i++) out.add(runSeed(r, i, cells));
            return out;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers);
        try {
            List<java.util.concurrent.Future<SeedOutcome>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < seeds; i++) {
                int seedIndex = i;
                futures.add(pool.submit(() -> runSeed(r, seedIndex, cells)));
            }
            List<SeedOutcome> out = new java.util.ArrayList<>();
            for (var f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    pool.shutdownNow(); // one failed seed fails the evaluation; the others would only waste time
                    if (e.getCause() instanceof Exception cause) throw cause;
                    throw e;
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Pre-trains seed {@code i} of {@code r} and puts its probe cells into {@code cells}. */
    private SeedOutcome runSeed(SeedRun r, int i, Cells cells) throws Exception {
        Objective objective = r.objective();
        SeedPlan plan = SeedPlan.of(seed, i);
        System.err.printf(
                "%s seed %d/%d: data %d, init %d, augmentation %d%n",
                objective, i + 1, seeds, plan.data(), plan.init(), plan.augmentation());
        ProbeSuite.Sets sets =
                ProbeSuite.generate(plan.data(), r.pretrainTicks(), r.probeTrainTicks(), r.probeTestTicks(), r.bench());
        int[] segs = {
            sets.pretrain().segments(),
            sets.probeTrain().segments(),
            sets.probeTest().segments()
        };
        ModelConfig cfg = ModelConfig.defaults(
                        objective.id(), Tokenizer.defaultTokenizer().vocabularySize(), plan.init())
                .withComm(d, fusionLayers, commFullWeight);
        AugmentationParams aug = augmentation();
        int featDim = 0;
        double secs;
        long t0 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
                MultimodalModel model = MultimodalModel.create(cfg, manager)) {
            ProgressLine bar = ProgressLine.stderr(Duration.ofSeconds(5));
            String label = seeds > 1 ? "seed " + (i + 1) + " " : "";
            int ep = r.epochs();
            Pretrainer trainer = new Pretrainer(
                    model,
                    manager,
                    new Pretrainer.Options(ep, batch, lr, wd, plan.augmentation(), Math.max(1, ep / 4), clipNorm));
            Windows pw = sets.pretrain().augmentation(aug).viewSeed(plan.augmentation());
            trainer.train(
                    pw,
                    objective == Objective.DIMML ? k -> taskC(pw.factors[k]) : null,
                    (phase, e, epochsN, st, steps, loss) -> bar.progress(
                            label + phase,
                            (e + (st + 1.0) / steps) / epochsN,
                            String.format(Locale.ROOT, "epoch %d/%d loss %.4f", e + 1, epochsN, loss)));
            bar.finish();
            secs = (System.nanoTime() - t0) / 1e9;
            System.err.printf("%strained in %.0f s%n", label, secs);
            if (r.saveFirst() && i == 0) {
                ModelStore.save(model, save);
                System.err.println("saved to " + save);
            }
            if (model instanceof DiMmlModel di) {
                double[] acc = diMml(di, manager, sets);
                for (int k = 0; k < DIMML_KEYS.length; k++) cells.put(DIMML_KEYS[k], i, acc[k]);
            } else {
                System.err.println(label + "extracting features and fitting probes ...");
                float[][][] etr = Features.embeddings(model, manager, sets.probeTrain());
                float[][][] ete = Features.embeddings(model, manager, sets.probeTest());
                featDim = etr[0][0].length;
                for (ProbeSuite.Row row :
                        ProbeSuite.run(sets, etr[0], ete[0], r.oracle(), r.folds(), 2, !noMlp, plan.data())) {
                    cells.put(row.name(), i, row.score());
                    cells.put(row.name() + "_mlp", i, row.mlpScore());
                }
                diagnostics(sets, etr, ete, r.folds(), plan.data(), cells, i);
                float[][] ptrF = Features.projections(model, manager, sets.probeTrain());
                if (ptrF != null) {
                    float[][] pteF = Features.projections(model, manager, sets.probeTest());
                    for (ProbeSuite.Row row :
                            ProbeSuite.run(sets, ptrF, pteF, r.oracle(), r.folds(), 2, false, plan.data()))
                        cells.put("proj_" + row.name(), i, row.score());
                }
            }
        }
        System.err.printf("SEED %s %d/%d%s%n", objective.id(), i + 1, seeds, cells.seedValues(i));
        return new SeedOutcome(secs, segs, featDim);
    }

    static final String[] DIMML_KEYS = {"acc_weighted", "acc_fusion", "acc_sensor", "acc_image", "acc_text"};

    /** Per-seed values of every reported cell. */
    static final class Cells {
        private final int seeds;
        private final java.util.Map<String, double[]> v = new java.util.LinkedHashMap<>();

        Cells(int seeds) {
            this.seeds = seeds;
        }

        synchronized void put(String key, int seed, double value) {
            v.computeIfAbsent(key, k -> {
                double[] a = new double[seeds];
                java.util.Arrays.fill(a, Double.NaN);
                return a;
            })[seed] = value;
        }

        synchronized Ci ci(String key) {
            double[] a = v.get(key);
            return a == null ? new Ci(Double.NaN, Double.NaN, 0) : Ci.of(a);
        }

        java.util.Set<String> keys() {
            return v.keySet();
        }

        /** " name=value" for every cell of one seed (so a log keeps each seed's figures beside the summary). */
        synchronized String seedValues(int seed) {
            StringBuilder sb = new StringBuilder();
            v.forEach((k, a) -> {
                if (!Double.isNaN(a[seed])) sb.append(String.format(Locale.ROOT, " %s=%.4f", k, a[seed]));
            });
            return sb.toString();
        }

        /** " name=mean name_ci=halfwidth" (the interval only with two or more seeds; nothing without values). */
        void append(StringBuilder sb, String key, String name) {
            Ci c = ci(key);
            if (Double.isNaN(c.mean())) return;
            sb.append(String.format(Locale.ROOT, " %s=%.4f", name, c.mean()));
            if (!Double.isNaN(c.halfWidth())) sb.append(String.format(Locale.ROOT, " %s_ci=%.4f", name, c.halfWidth()));
        }
    }

    /** Classes of each probe for π (K1 = its length) and this command's K2. */
    private java.util.Map<String, Integer> classes(int[] pi) {
        java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (ProbeSuite.Probe p : ProbeSuite.probes(pi, s2Values)) m.put(p.name(), p.classes());
        return m;
    }

    /** The threshold bound of a probe: S1's for K1, S2's for K2 = 4 (NaN for other K2), 1 for R and U. */
    private double thresholdBound(String probe, int[] pi) {
        return switch (probe) {
            case "S1" -> ProbeSuite.s1AdditiveBound(pi);
            case "S2" -> ProbeSuite.s2AdditiveBound(s2Values);
            default -> 1.0;
        };
    }

    private void printTable(Cells cells, List<ProbeSuite.OracleRow> oracle, int[] pi) {
        System.out.println(
                "balanced accuracy on probe-test, mean ± 95% t-interval half-width over seeds;"
                        + " synergy bar = max(chance, oracle_add) = best additive code under the linear probe (trainer/README)");
        System.out.printf(
                Locale.ROOT,
                "%-9s %7s  %6s  %10s  %10s  %10s  %-15s  %-15s  %-15s  %9s%n",
                "probe",
                "classes",
                "chance",
                "oracle_add",
                "oracle_mlp",
                "oracle_jnt",
                "linear",
                "gain_vs_bar",
                "mlp",
                "threshold");
        java.util.Map<String, Integer> classes = classes(pi);
        for (ProbeSuite.OracleRow o : oracle) {
            int k = classes.get(o.name());
            double chance = 1.0 / k;
            Ci lin = cells.ci(o.name()), mlp = cells.ci(o.name() + "_mlp");
            double bar = Math.max(chance, o.linear()); // best additive code under this probe, measured
            Ci gain = new Ci(lin.mean() - bar, lin.halfWidth(), lin.n());
            double thr = thresholdBound(o.name(), pi);
            System.out.printf(
                    Locale.ROOT,
                    "%-9s %7d  %6.3f  %10.3f  %10s  %10.3f  %-15s  %-15s  %-15s  %9s%n",
                    o.name(),
                    k,
                    chance,
                    o.linear(),
                    Double.isNaN(o.mlp()) ? "-" : String.format(Locale.ROOT, "%.3f", o.mlp()),
                    o.linearJoint(),
                    lin.format(),
                    gain.format(),
                    mlp.format(),
                    Double.isNaN(thr) ? "-" : String.format(Locale.ROOT, "%.3f", thr));
        }
        System.out.println("oracle_add / oracle_mlp: linear / MLP probe on one-hot additive factor codes;"
                + " oracle_jnt: linear probe on the additive code plus one-hot factor pairs (joint code); threshold:"
                + " best threshold classifier on an additive scalar code (Trifeature-style protocols only); bar ="
                + " max(chance, oracle_add), the best additive code under this probe (S1_ceiling / S2_ceiling). The MLP"
                + " can multiply features, so its S is no synergy test: S above chance under the LINEAR probe is.");
        boolean diag = cells.keys().stream().anyMatch(k -> k.startsWith("diag_"));
        if (diag) {
            int k1 = pi.length;
            System.out.printf(
                    Locale.ROOT,
                    "diagnostics on MISMATCH probe data (colour != pi(rhythm)), linear probe, %d classes: chance %.3f"
                            + " (image-only rhythm can reach 1/%d by excluding pi^-1(colour))%n",
                    k1,
                    1.0 / k1,
                    k1 - 1);
            System.out.printf(Locale.ROOT, "%-8s %-15s %-15s %-15s%n", "factor", "fused", "sensor-only", "image-only");
            for (String f : List.of("rhythm", "colour"))
                System.out.printf(
                        Locale.ROOT,
                        "%-8s %-15s %-15s %-15s%n",
                        f,
                        cells.ci("diag_" + f + "_fused").format(),
                        cells.ci("diag_" + f + "_sensor").format(),
                        cells.ci("diag_" + f + "_image").format());
        }
        if (cells.keys().contains("proj_R")) {
            System.out.println("linear probe on the concatenated projections (instead of encoder features):");
            for (ProbeSuite.OracleRow o : oracle)
                System.out.printf(
                        Locale.ROOT,
                        "%-9s %-15s%n",
                        o.name(),
                        cells.ci("proj_" + o.name()).format());
        }
    }

    /**
     * Rhythm and colour (K1 classes each) decoded separately on the MISMATCH rows from the fused, sensor-only,
     * image-only vectors.
     */
    private static void diagnostics(
            ProbeSuite.Sets sets, float[][][] etr, float[][][] ete, int folds, long seed, Cells cells, int i) {
        int[] rtr = mismatch(sets.probeTrain()), rte = mismatch(sets.probeTest());
        long[] groups = new long[rtr.length];
        for (int k = 0; k < rtr.length; k++) groups[k] = sets.probeTrain().segment[rtr[k]];
        String[] names = {"fused", "sensor", "image"};
        int[] slot = {0, 1 + Batch.SENSOR, 1 + Batch.IMAGE};
        for (String f : List.of("rhythm", "colour")) {
            java.util.function.ToIntFunction<SegmentFactors> lab =
                    f.equals("rhythm") ? SegmentFactors::rhythm : SegmentFactors::color;
            int[] ytr = new int[rtr.length], yte = new int[rte.length];
            for (int k = 0; k < rtr.length; k++) ytr[k] = lab.applyAsInt(sets.probeTrain().factors[rtr[k]]);
            for (int k = 0; k < rte.length; k++) yte[k] = lab.applyAsInt(sets.probeTest().factors[rte[k]]);
            for (int n = 0; n < names.length; n++) {
                float[][] xtr = rows(etr[slot[n]], rtr), xte = rows(ete[slot[n]], rte);
                cells.put(
                        "diag_" + f + "_" + names[n],
                        i,
                        ProbeSuite.linear(xtr, ytr, groups, xte, yte, sets.s1Values(), folds, seed));
            }
        }
    }

    private static int[] mismatch(Windows w) {
        return java.util.stream.IntStream.range(0, w.size)
                .filter(k -> !w.factors[k].biased())
                .toArray();
    }

    private static float[][] rows(float[][] x, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int k = 0; k < idx.length; k++) out[k] = x[idx[k]];
        return out;
    }

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add(
                        "Run",
                        "--objective",
                        "--smoke",
                        "--seed",
                        "--seeds",
                        "--parallel",
                        "--no-mlp",
                        "--threads",
                        "--save")
                .add(
                        "Benchmark",
                        "--p-bias",
                        "--sensor-noise",
                        "--pixel-noise",
                        "--segment-ticks",
                        "--probe-segment-ticks",
                        "--s1-values",
                        "--s2-values")
                .add(
                        "Training",
                        "--epochs",
                        "--batch-size",
                        "--lr",
                        "--weight-decay",
                        "--pretrain-ticks",
                        "--probe-train-ticks",
                        "--probe-test-ticks",
                        "--folds",
                        "--clip-norm")
                .add(
                        "Augmentation",
                        "--brightness",
                        "--contrast",
                        "--saturation",
                        "--hue",
                        "--jitter-p",
                        "--grayscale-p",
                        "--sensor-drop-p",
                        "--modality-dropout-p")
                .add("Model", "--comm-full-weight", "--d", "--fusion-layers");
    }

    /** Supervised complementary task C of §6.6: 4·prof + tex (needs sensor and image). */
    static int taskC(SegmentFactors f) {
        return 4 * f.prof() + f.tex();
    }

    /** Accuracies on probe-test in {@link #DIMML_KEYS} order. */
    private static double[] diMml(DiMmlModel di, NDManager manager, ProbeSuite.Sets sets) {
        Windows test = sets.probeTest();
        int n = test.size;
        int[] hits = new int[5];
        for (int start = 0; start < n; start += Features.BATCH) {
            int end = Math.min(n, start + Features.BATCH);
            int[] idx = new int[end - start];
            for (int i = 0; i < idx.length; i++) idx[i] = start + i;
            try (NDManager step = manager.newSubManager()) {
                Batch.Nd b = test.plain(idx, null).toNd(step);
                double[][][] logits = di.branchLogits(b);
                int[] weighted = di.predict(b);
                for (int i = 0; i < idx.length; i++) {
                    int y = taskC(test.factors[idx[i]]);
                    if (weighted[i] == y) hits[0]++;
                    for (int k = 0; k < 4; k++)
                        if (io.braid.trainer.loss.DiMml.argmax(logits[k][i]) == y) hits[k + 1]++;
                }
            }
        }
        // hits: weighted, sensor, image, text, fusion -> DIMML_KEYS: weighted, fusion, sensor, image, text
        return new double[] {
            (double) hits[0] / n, (double) hits[4] / n, (double) hits[1] / n, (double) hits[2] / n, (double) hits[3] / n
        };
    }

    private static void printDiMml(Cells cells) {
        System.out.println(
                "DI-MML, supervised task C = 4*prof + tex (16 classes, chance 0.0625; each modality alone <= 0.25),"
                        + " accuracy on probe-test, mean ± 95% t-interval over seeds");
        for (String k : DIMML_KEYS)
            System.out.printf(Locale.ROOT, "%-13s %s%n", k, cells.ci(k).format());
    }
}
