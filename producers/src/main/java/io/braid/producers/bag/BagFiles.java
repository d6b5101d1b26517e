package io.braid.producers.bag;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Opens what a user calls a bag: a rosbag2 directory (its {@code metadata.yaml} names the files, split bags read as one
 * time-ordered stream), or one .mcap or .db3 file. The storage is told by each file's first bytes, not its name.
 */
public final class BagFiles {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /** Storage formats this reader knows. */
    public enum Storage {
        MCAP,
        SQLITE3
    }

    private BagFiles() {}

    /** The files of the bag at path, in recording order. */
    public static List<Path> files(Path path) throws IOException {
        if (Files.isRegularFile(path)) return List.of(path);
        if (!Files.isDirectory(path)) throw new BagFormatException(path + ": no such bag file or directory");
        Path meta = path.resolve(BagMetadata.FILE_NAME);
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(meta)) {
            for (String f : BagMetadata.read(meta).files()) {
                Path p = path.resolve(f).normalize();
                if (!p.startsWith(path.normalize())) {
                    throw new BagFormatException(meta + ": file " + f + " is outside the bag directory");
                }
                if (!Files.isRegularFile(p)) throw new BagFormatException(meta + ": names " + f + ", which is missing");
                files.add(p);
            }
        } else {
            try (Stream<Path> s = Files.list(path)) {
                s.filter(p -> {
                            String n = p.getFileName().toString();
                            return n.endsWith(".mcap") || n.endsWith(".db3");
                        })
                        .sorted()
                        .forEach(files::add);
            }
        }
        if (files.isEmpty()) throw new BagFormatException(path + ": no .mcap or .db3 files and no metadata.yaml");
        return files;
    }

    /** The metadata.yaml of a bag directory, or null for a single file or a directory without one. */
    public static BagMetadata metadata(Path path) throws IOException {
        Path meta = path.resolve(BagMetadata.FILE_NAME);
        return Files.isDirectory(path) && Files.isRegularFile(meta) ? BagMetadata.read(meta) : null;
    }

    public static Storage storage(Path file) throws IOException {
        byte[] head = new byte[16];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= Mcap.MAGIC.length && Mcap.isMagic(head, 0)) return Storage.MCAP;
        if (n == 16 && Arrays.equals(head, SQLITE_MAGIC)) return Storage.SQLITE3;
        throw new BagFormatException(file.getFileName() + ": neither MCAP nor SQLite3 (bad magic)");
    }

    /** Every message of the bag with log time in [fromNs, toNs), in log-time order across its files. */
    public static BagReader open(Path path, long fromNs, long toNs, Consumer<BagProblem> problems) throws IOException {
        List<BagReader> readers = new ArrayList<>();
        try {
            for (Path f : files(path)) {
                readers.add(
                        switch (storage(f)) {
                            case MCAP -> new McapReader(f, fromNs, toNs, problems);
                            case SQLITE3 -> new Db3Reader(f, fromNs, toNs, problems);
                        });
            }
        } catch (IOException | RuntimeException e) {
            for (BagReader r : readers) r.close();
            throw e;
        }
        return readers.size() == 1 ? readers.get(0) : new MergedBagReader(readers);
    }
}
