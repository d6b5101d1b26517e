package io.braid.trainer.score;

import io.braid.avro.ModelVersion;
import io.braid.trainer.model.InferenceModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The model the scorer uses now, hot-swapped as versions arrive on mm.models. {@link #offer} hands a version over; a
 * loader (a background thread, or the caller in {@link #synchronous} mode for deterministic tests) fetches the
 * artifact, verifies its SHA-256 against the version's, loads an {@link InferenceModel} and swaps it in atomically.
 * Scoring takes a {@link Lease} for each batch: the old model is closed only when the last lease on it is released, so
 * a swap never frees native memory under a running forward pass.
 *
 * <p>"Newer" is by {@code created_at}, then by version name: a replayed retrain published later replaces the online
 * model even though its step counter restarted. An older or equal version is ignored; one that fails (missing file,
 * checksum mismatch, corrupt bytes) is logged, counted under its reason and remembered, and the current model stays.
 */
public final class ModelSource implements AutoCloseable {
    /** What became of an offered version. */
    public enum Status {
        LOADED,
        /** Not newer than the model in use. */
        IGNORED_OLDER,
        /** Another objective than the configured filter. */
        IGNORED_OBJECTIVE,
        /** A newer version was offered before this one was loaded. */
        SUPERSEDED,
        FAILED
    }

    /** Why a version could not be loaded ({@code braid_scorer_model_load_failures_total{reason}}). */
    public enum FailureReason {
        MISSING_ARTIFACT,
        CHECKSUM_MISMATCH,
        CORRUPT_ARTIFACT,
        FETCH_FAILED
    }

    public record Outcome(Status status, String version, FailureReason reason, String detail) {}

    /** Builds a model from verified artifact bytes. */
    @FunctionalInterface
    public interface Loader {
        InferenceModel load(byte[] bytes, String version) throws IOException;
    }

    /** Versions ordered by creation time, then name. */
    static final Comparator<ModelVersion> AGE =
            Comparator.comparing(ModelVersion::getCreatedAt).thenComparing(ModelVersion::getVersion);

    private static final int CACHED_ARTIFACTS = 2;

    private final ArtifactFetcher fetcher;
    private final Loader loader;
    private final String objective;
    private final Path cacheDir;
    private final ScoringMetrics metrics;
    private final Consumer<String> log;
    private final ExecutorService executor;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final AtomicInteger closedModels = new AtomicInteger();
    private final Object loadLock = new Object();
    private final Set<String> failed = new HashSet<>();
    private final Map<String, CompletableFuture<Outcome>> pending = new HashMap<>();
    private ModelVersion latestOffered;
    private volatile boolean closed;

    private ModelSource(
            ArtifactFetcher fetcher,
            Loader loader,
            String objective,
            Path cacheDir,
            ScoringMetrics metrics,
            Consumer<String> log,
            boolean background) {
        this.fetcher = fetcher;
        this.loader = loader;
        this.objective = objective == null || objective.isBlank() ? null : objective;
        this.cacheDir = cacheDir;
        this.metrics = metrics;
        this.log = log;
        this.executor = background
                ? Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "braid-scorer-model-loader");
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    /** Loads on its own thread; {@link #offer} returns at once. */
    public static ModelSource background(
            ArtifactFetcher fetcher, String objective, Path cacheDir, ScoringMetrics metrics, Consumer<String> log) {
        return new ModelSource(fetcher, InferenceModel::fromCheckpoint, objective, cacheDir, metrics, log, true);
    }

    /** Loads inside {@link #offer}, on the caller's thread (tests: the swap has happened when offer returns). */
    public static ModelSource synchronous(
            ArtifactFetcher fetcher, String objective, Path cacheDir, ScoringMetrics metrics, Consumer<String> log) {
        return new ModelSource(fetcher, InferenceModel::fromCheckpoint, objective, cacheDir, metrics, log, false);
    }

    /** The source {@code options} describe (file artifacts, objective filter, cache directory). */
    public static ModelSource of(
            ScoringOptions options, ScoringMetrics metrics, boolean background, Consumer<String> log) {
        return new ModelSource(
                new FileArtifactFetcher(options.modelStoreDir()),
                InferenceModel::fromCheckpoint,
                options.objective(),
                options.modelCacheDir(),
                metrics,
                log,
                background);
    }

    public ScoringMetrics metrics() {
        return metrics;
    }

    /** The version in use, or null before the first model. */
    public ModelVersion current() {
        Loaded l = current.get();
        return l == null ? null : l.version;
    }

    /** Models swapped out and closed so far (their last lease released). */
    public int closedModels() {
        return closedModels.get();
    }

    /** Hands a version over; the future completes when it is loaded, ignored or has failed. */
    public CompletableFuture<Outcome> offer(ModelVersion v) {
        if (closed) return done(Status.IGNORED_OLDER, v, null, "model source closed");
        if (objective != null && !objective.equals(v.getObjective()))
            return done(Status.IGNORED_OBJECTIVE, v, null, "objective " + v.getObjective() + " != " + objective);
        CompletableFuture<Outcome> f;
        synchronized (this) {
            ModelVersion cur = current();
            if (cur != null && AGE.compare(v, cur) <= 0)
                return done(Status.IGNORED_OLDER, v, null, "not newer than " + cur.getVersion());
            if (failed.contains(key(v))) return done(Status.FAILED, v, null, "failed before; not retried");
            CompletableFuture<Outcome> same = pending.get(key(v));
            if (same != null) return same;
            if (latestOffered != null && AGE.compare(v, latestOffered) < 0)
                return done(Status.SUPERSEDED, v, null, latestOffered.getVersion() + " is newer");
            latestOffered = v;
            f = new CompletableFuture<>();
            pending.put(key(v), f);
        }
        Runnable task = () -> {
            Outcome o;
            try {
                o = load(v);
            } catch (RuntimeException | Error e) {
                o = fail(v, FailureReason.CORRUPT_ARTIFACT, String.valueOf(e));
            }
            synchronized (this) {
                pending.remove(key(v));
            }
            f.complete(o);
        };
        if (executor == null) task.run();
        else executor.execute(task);
        return f;
    }

    private Outcome load(ModelVersion v) {
        synchronized (loadLock) {
            synchronized (this) {
                if (latestOffered != null && AGE.compare(v, latestOffered) < 0)
                    return new Outcome(
                            Status.SUPERSEDED, v.getVersion(), null, latestOffered.getVersion() + " is newer");
            }
            ModelVersion cur = current();
            if (cur != null && AGE.compare(v, cur) <= 0)
                return new Outcome(Status.IGNORED_OLDER, v.getVersion(), null, "not newer than " + cur.getVersion());
            byte[] bytes;
            try {
                bytes = bytes(v);
            } catch (NoSuchFileException e) {
                return fail(v, FailureReason.MISSING_ARTIFACT, "no artifact at " + v.getArtifactUri());
            } catch (ChecksumMismatch e) {
                return fail(v, FailureReason.CHECKSUM_MISMATCH, e.getMessage());
            } catch (IOException e) {
                return fail(v, FailureReason.FETCH_FAILED, String.valueOf(e));
            }
            InferenceModel model;
            try {
                model = loader.load(bytes, v.getVersion());
            } catch (IOException | RuntimeException e) {
                return fail(v, FailureReason.CORRUPT_ARTIFACT, String.valueOf(e));
            }
            if (closed) {
                model.close();
                return new Outcome(Status.IGNORED_OLDER, v.getVersion(), null, "model source closed");
            }
            Loaded old = current.getAndSet(new Loaded(model, v));
            if (old != null) old.release();
            metrics.swaps.inc();
            metrics.model.setLabelValues(v.getVersion(), v.getObjective());
            log.accept(
                    "model " + v.getVersion() + " (" + v.getObjective() + ", trained through " + v.getTrainedThrough()
                            + ") in use" + (old == null ? "" : ", replacing " + old.version.getVersion()));
            return new Outcome(Status.LOADED, v.getVersion(), null, null);
        }
    }

    private Outcome fail(ModelVersion v, FailureReason reason, String detail) {
        synchronized (this) {
            failed.add(key(v));
        }
        metrics.loadFailures.labelValues(reason.name()).inc();
        log.accept("model " + v.getVersion() + " skipped (" + reason + "): " + detail);
        return new Outcome(Status.FAILED, v.getVersion(), reason, detail);
    }

    private static final class ChecksumMismatch extends IOException {
        ChecksumMismatch(String message) {
            super(message);
        }
    }

    /** The artifact's verified bytes: from the cache when it holds them, else fetched (and then cached). */
    private byte[] bytes(ModelVersion v) throws IOException {
        String want = v.getSha256().toLowerCase(java.util.Locale.ROOT);
        Path cached = cacheDir == null ? null : cacheDir.resolve(want + ".ckpt");
        if (cached != null && Files.exists(cached)) {
            byte[] b = Files.readAllBytes(cached);
            if (sha256(b).equals(want)) return b;
            Files.deleteIfExists(cached);
        }
        byte[] b = fetcher.fetch(v.getArtifactUri());
        String got = sha256(b);
        if (!got.equals(want))
            throw new ChecksumMismatch(v.getArtifactUri() + ": sha256 " + got + " != published " + want);
        if (cached != null) cache(cached, b);
        return b;
    }

    private void cache(Path target, byte[] b) {
        try {
            Files.createDirectories(cacheDir);
            Path tmp = cacheDir.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
            Files.write(tmp, b);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            List<Path> all;
            try (Stream<Path> s = Files.list(cacheDir)) {
                all = s.filter(p -> p.getFileName().toString().endsWith(".ckpt")
                                && !p.getFileName().toString().startsWith("."))
                        .sorted(Comparator.comparing((Path p) -> {
                                    try {
                                        return Files.getLastModifiedTime(p).toMillis();
                                    } catch (IOException e) {
                                        return 0L;
                                    }
                                })
                                .reversed())
                        .toList();
            }
            for (int i = CACHED_ARTIFACTS; i < all.size(); i++)
                if (!all.get(i).equals(target)) Files.deleteIfExists(all.get(i));
        } catch (IOException e) {
            log.accept("could not cache " + target + ": " + e); // the model is loaded; only the cache is missing
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String key(ModelVersion v) {
        return v.getVersion() + "@" + v.getSha256();
    }

    private static CompletableFuture<Outcome> done(Status s, ModelVersion v, FailureReason r, String detail) {
        return CompletableFuture.completedFuture(new Outcome(s, v.getVersion(), r, detail));
    }

    /** The model in use with a hold on it for one batch, or null before the first model. Close it after the batch. */
    public Lease acquire() {
        while (true) {
            Loaded l = current.get();
            if (l == null) return null;
            if (l.retain()) return new Lease(l);
            // swapped out and released between the read and the retain: read the new one
        }
    }

    /** A hold on one loaded model: it stays open until every lease on it is closed, even after a swap. */
    public static final class Lease implements AutoCloseable {
        private final Loaded loaded;
        private boolean released;

        private Lease(Loaded loaded) {
            this.loaded = loaded;
        }

        public InferenceModel model() {
            return loaded.model;
        }

        public ModelVersion version() {
            return loaded.version;
        }

        /** The version's trained-through event time (epoch ms). */
        public long trainedThroughMs() {
            Instant t = loaded.version.getTrainedThrough();
            return t == null ? Long.MIN_VALUE : t.toEpochMilli();
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                loaded.release();
            }
        }
    }

    private final class Loaded {
        final InferenceModel model;
        final ModelVersion version;
        final AtomicInteger refs = new AtomicInteger(1); // the source's own reference

        Loaded(InferenceModel model, ModelVersion version) {
            this.model = model;
            this.version = version;
        }

        boolean retain() {
            while (true) {
                int r = refs.get();
                if (r == 0) return false;
                if (refs.compareAndSet(r, r + 1)) return true;
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                model.close();
                closedModels.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (loadLock) {
            Loaded l = current.getAndSet(null);
            if (l != null) l.release();
        }
    }
}
