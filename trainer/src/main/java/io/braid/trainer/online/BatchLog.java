package io.braid.trainer.online;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line per step, "pairs-before step hash loss", appended with one write each (a SIGKILL loses at most the line
 * being written, never an earlier one). Keyed by the pairs trained before the step, which a checkpoint restores, so
 * a resumed run's lines line up with an uninterrupted run's.
 */
public final class BatchLog implements AutoCloseable {
    /** A logged step. */
    public record Line(long pairsBefore, long step, String hash, double loss) {}

    private final FileOutputStream out;

    private BatchLog(Path file) throws IOException {
        this.out = new FileOutputStream(file.toFile(), true);
    }

    /** null when {@code file} is null. */
    static BatchLog open(Path file) throws IOException {
        return file == null ? null : new BatchLog(file);
    }

    void append(long pairsBefore, long step, String hash, double loss) throws IOException {
        out.write((pairsBefore + " " + step + " " + hash + " " + loss + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /**
     * Reads a log; a later line for the same position (a resumed run redoing steps after its checkpoint) replaces
     * the earlier one unless {@code onRedo} objects; an incomplete last line (the kill) is ignored.
     */
    public static Map<Long, Line> read(Path file, java.util.function.BiConsumer<Line, Line> onRedo) throws IOException {
        Map<Long, Line> m = new TreeMap<>();
        String all = Files.readString(file);
        int endOfComplete = all.lastIndexOf('\n');
        if (endOfComplete < 0) return m;
        for (String s : all.substring(0, endOfComplete).split("\n")) {
            String[] f = s.trim().split(" ");
            if (f.length != 4) continue;
            Line l = new Line(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], Double.parseDouble(f[3]));
            Line old = m.put(l.pairsBefore(), l);
            if (old != null && onRedo != null) onRedo.accept(old, l);
        }
        return m;
    }
}
