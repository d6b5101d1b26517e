package io.braid.trainer.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.braid.augment.AugmentationParams;
import io.braid.cli.support.HelpSections;
import io.braid.cli.support.ProgressLine;
import io.braid.producers.sim.SegmentFactors;
import io.braid.text.Tokenizer;
import io.braid.trainer.Features;
import io.braid.trainer.Pretrainer;
import io.braid.trainer.data.Windows;
import io.braid.trainer.eval.ProbeSuite;
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
            converter = Objective.Converter.class,
            description = "comm | decur | cross | crossself | dimml (default: ${DEFAULT-VALUE})")
    Objective objective;

    @Option(names = "--smoke", description = "small CI configuration: 1024/512/512 ticks, 3 epochs, 3-fold CV")
    boolean smoke;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "data, init and augmentation seed (default: ${DEFAULT-VALUE})")
    long seed;

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
    }

    @Override
    public Integer call() throws Exception {
        validate();
        TorchThreads.set(threads);
        int ep = epochs != null ? epochs : smoke ? 3 : 20;
        int pre = pretrainTicks != null ? pretrainTicks : smoke ? 1024 : 6144;
        int ptr = probeTrainTicks != null ? probeTrainTicks : smoke ? 512 : 3072;
        int pte = probeTestTicks != null ? probeTestTicks : smoke ? 512 : 2048;
        int nf = folds != null ? folds : smoke ? 3 : 5;
        System.err.printf(
                "eval %s: device %s, %d/%d/%d ticks, %d epochs, batch %d, lr %g, wd %g, seed %d%n",
                objective, Engine.getInstance().defaultDevice(), pre, ptr, pte, ep, batch, lr, wd, seed);
        ProbeSuite.Sets sets = ProbeSuite.generate(seed, pre, ptr, pte);
        ModelConfig cfg = ModelConfig.defaults(
                        objective.id(), Tokenizer.defaultTokenizer().vocabularySize(), seed)
                .withComm(d, fusionLayers, commFullWeight);
        // the Flink job's augmentation (defaults = its --aug-* defaults) with this run's colour settings
        AugmentationParams aug =
                AugmentationParams.DEFAULTS.withColour(brightness, contrast, saturation, hue, jitterP, grayscaleP);
        System.err.printf(
                Locale.ROOT,
                "d %d, fusion layers %d, CoMM full-term weight %g, augmentation %s%n",
                d,
                fusionLayers,
                commFullWeight,
                aug);
        long t0 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
                MultimodalModel model = MultimodalModel.create(cfg, manager)) {
            ProgressLine bar = ProgressLine.stderr(Duration.ofSeconds(5));
            Pretrainer trainer = new Pretrainer(
                    model, manager, new Pretrainer.Options(ep, batch, lr, wd, seed, Math.max(1, ep / 4)));
            Windows pw = sets.pretrain().augmentation(aug);
            trainer.train(
                    pw,
                    objective == Objective.DIMML ? i -> taskC(pw.factors[i]) : null,
                    (phase, e, epochs, s, steps, loss) -> bar.progress(
                            phase,
                            (e + (s + 1.0) / steps) / epochs,
                            String.format(Locale.ROOT, "epoch %d/%d loss %.4f", e + 1, epochs, loss)));
            bar.finish();
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            System.err.printf("trained in %.0f s%n", trainSeconds);
            if (save != null) {
                ModelStore.save(model, save);
                System.err.println("saved to " + save);
            }
            if (model instanceof DiMmlModel di) return reportDiMml(di, manager, sets);
            System.err.println("extracting features and fitting probes ...");
            float[][] ftr = Features.of(model, manager, sets.probeTrain());
            float[][] fte = Features.of(model, manager, sets.probeTest());
            List<ProbeSuite.Row> rows = ProbeSuite.run(sets, ftr, fte, nf, 2);
            System.out.printf(
                    "objective %s, %d epochs, %.0f s training, probe features %d-d%n",
                    objective, ep, trainSeconds, ftr[0].length);
            System.out.println(
                    "probe     classes  chance  oracle_probe  additive_bound  balanced_acc  gain_vs_bound  C");
            StringBuilder result = new StringBuilder("RESULT eval objective=" + objective);
            for (ProbeSuite.Row r : rows) {
                System.out.printf(
                        Locale.ROOT,
                        "%-9s %7d  %6.3f  %12.3f  %14.3f  %12.3f  %13.3f  %g%n",
                        r.name(),
                        r.classes(),
                        r.chance(),
                        r.oracleProbe(),
                        r.additiveBound(),
                        r.score(),
                        r.score() - r.additiveBound(),
                        r.c());
                result.append(String.format(Locale.ROOT, " %s=%.4f", r.name(), r.score()));
                if (r.name().startsWith("S"))
                    result.append(String.format(
                            Locale.ROOT,
                            " %s_ceiling=%.4f %s_oracle_probe=%.4f",
                            r.name(),
                            r.additiveBound(),
                            r.name(),
                            r.oracleProbe()));
            }
            System.out.println(
                    "oracle_probe = the same probe on one-hot oracle factor codes; additive_bound = best balanced"
                            + " accuracy of any additive (concatenated unimodal) code: only S above it is synergy (methods.md 6.6)");
            System.out.println(result);
        }
        return 0;
    }

    @Override
    public HelpSections.Sections helpSections() {
        return HelpSections.Sections.of()
                .add("Run", "--objective", "--smoke", "--seed", "--threads", "--save")
                .add(
                        "Training",
                        "--epochs",
                        "--batch-size",
                        "--lr",
                        "--weight-decay",
                        "--pretrain-ticks",
                        "--probe-train-ticks",
                        "--probe-test-ticks",
                        "--folds")
                .add(
                        "Augmentation",
                        "--brightness",
                        "--contrast",
                        "--saturation",
                        "--hue",
                        "--jitter-p",
                        "--grayscale-p")
                .add("Model", "--comm-full-weight", "--d", "--fusion-layers");
    }

    /** Supervised complementary task C of §6.6: 4·prof + tex (needs sensor and image). */
    static int taskC(SegmentFactors f) {
        return 4 * f.prof() + f.tex();
    }

    private Integer reportDiMml(DiMmlModel di, NDManager manager, ProbeSuite.Sets sets) {
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
        String[] names = {"acc_weighted", "acc_sensor", "acc_image", "acc_text", "acc_fusion"};
        int[] order = {0, 4, 1, 2, 3};
        System.out.println(
                "DI-MML, supervised task C = 4*prof + tex (16 classes, chance 0.0625; each modality alone <= 0.25)");
        StringBuilder result = new StringBuilder("RESULT eval objective=dimml");
        for (int k : order) {
            double acc = (double) hits[k] / n;
            System.out.printf(Locale.ROOT, "%-13s %.4f%n", names[k], acc);
            result.append(String.format(Locale.ROOT, " %s=%.4f", names[k], acc));
        }
        System.out.println(result);
        return 0;
    }
}
