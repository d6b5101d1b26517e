package io.braid.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The state directory of a local run: {@code checkpoints/<job-id>/chk-N} (retained on cancel and crash) and
 * {@code savepoints/savepoint-*} (stop-with-savepoint), held by one process at a time through a file lock.
 */
public final class LocalState implements AutoCloseable {
    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private LocalState(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** A restorable snapshot: a directory holding {@code _metadata}. */
    public record Snapshot(Path dir, boolean savepoint, long writtenAtMs) {
        @Override
        public String toString() {
            return (savepoint ? "savepoint " : "checkpoint ") + dir;
        }
    }

    /**
     * Locks the state directory (creating it); with {@code fresh}, first moves what it holds to
     * {@code <dir>.previous}. The OS releases the lock when the process dies, so a crashed run does not block the next.
     */
    public static LocalState open(Path dir, boolean fresh) {
        try {
            if (fresh && Files.isDirectory(dir) && hasSnapshots(dir)) {
                Path previous = dir.resolveSibling(dir.getFileName() + ".previous");
                deleteTree(previous);
                // the lock file moves along; a run that still holds it is caught by the lock below on the new dir only,
                // so refuse first when the old directory is in use
                try (LocalState probe = open(dir, false)) {
                    // held: nobody else runs this job
                }
                Files.move(dir, previous, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.createDirectories(dir.resolve("checkpoints"));
            Files.createDirectories(dir.resolve("savepoints"));
            FileChannel ch =
                    FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                l = null; // held by this JVM
            }
            if (l == null) {
                ch.close();
                throw new IllegalStateException("another run of this job holds the state directory " + dir
                        + " (give another --job-name or --state-dir)");
            }
            return new LocalState(dir, ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the state directory " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path checkpointsDir() {
        return dir.resolve("checkpoints");
    }

    public Path savepointsDir() {
        return dir.resolve("savepoints");
    }

    /** The newest completed checkpoint or savepoint in the state directory, by the time its _metadata was written. */
    public Optional<Snapshot> latest() {
        return snapshots(dir).stream().max(Comparator.comparingLong(Snapshot::writtenAtMs));
    }

    /**
     * Deletes every snapshot (and checkpoint directory of an old job) except {@code keep}: they are older than the one
     * restored, and Flink itself only cleans up the checkpoints of the job it runs.
     */
    public void pruneExcept(Snapshot keep) {
        Path keepJob = keep == null || keep.savepoint() ? null : keep.dir().getParent();
        try (Stream<Path> jobs = list(checkpointsDir());
                Stream<Path> sps = list(savepointsDir())) {
            for (Path j : jobs.toList()) if (!j.equals(keepJob)) deleteTree(j);
            for (Path s : sps.toList()) if (keep == null || !s.equals(keep.dir())) deleteTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resolves a user-given snapshot path: the directory holding _metadata, or the _metadata file itself. */
    public static Snapshot explicit(Path p, boolean savepoint) {
        Path d = p.toAbsolutePath().normalize();
        if (d.getFileName() != null && d.getFileName().toString().equals("_metadata")) d = d.getParent();
        Path meta = d.resolve("_metadata");
        if (!Files.isRegularFile(meta))
            throw new IllegalArgumentException((savepoint ? "--from-savepoint " : "--from-checkpoint ") + p
                    + ": no _metadata there (not a completed " + (savepoint ? "savepoint" : "checkpoint") + ")");
        return new Snapshot(d, savepoint, meta.toFile().lastModified());
    }

    /** Every completed snapshot below a state directory: chk-N (and savepoint) directories that hold a _metadata. */
    static List<Snapshot> snapshots(Path stateDir) {
        List<Snapshot> out = new ArrayList<>();
        try (Stream<Path> jobs = list(stateDir.resolve("checkpoints"));
                Stream<Path> sps = list(stateDir.resolve("savepoints"))) {
            for (Path job : jobs.toList()) {
                try (Stream<Path> chks = list(job)) {
                    for (Path c : chks.toList()) {
                        if (c.getFileName().toString().startsWith("chk-")) add(out, c, false);
                    }
                }
            }
            for (Path s : sps.toList()) add(out, s, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static boolean hasSnapshots(Path dir) {
        return !snapshots(dir).isEmpty();
    }

    private static void add(List<Snapshot> out, Path d, boolean savepoint) {
        Path meta = d.resolve("_metadata");
        // _metadata is written last (checkpoint completed); a chk-N without it is an aborted or in-flight checkpoint
        if (Files.isRegularFile(meta))
            out.add(new Snapshot(d, savepoint, meta.toFile().lastModified()));
    }

    private static Stream<Path> list(Path d) throws IOException {
        return Files.isDirectory(d) ? Files.list(d).filter(Files::isDirectory) : Stream.empty();
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the process exits or the channel is gone: the lock goes with it
        }
    }
}
