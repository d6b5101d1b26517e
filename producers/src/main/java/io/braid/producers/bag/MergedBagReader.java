package io.braid.producers.bag;

import java.io.IOException;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The files of a split bag as one stream in log-time order: a k-way merge on each file's next message (ties go to the
 * earlier file, so equal stamps keep the recording order).
 */
public final class MergedBagReader implements BagReader {
    private record Head(BagMessage m, int file) {}

    private final List<BagReader> readers;
    private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> {
        int c = Long.compare(a.m.logTimeNs(), b.m.logTimeNs());
        return c != 0 ? c : Integer.compare(a.file, b.file);
    });
    private boolean started;

    public MergedBagReader(List<BagReader> readers) {
        this.readers = List.copyOf(readers);
    }

    @Override
    public BagMessage next() throws IOException {
        if (!started) {
            started = true;
            for (int i = 0; i < readers.size(); i++) advance(i);
        }
        Head h = heads.poll();
        if (h == null) return null;
        advance(h.file);
        return h.m;
    }

    private void advance(int i) throws IOException {
        BagMessage m = readers.get(i).next();
        if (m != null) heads.add(new Head(m, i));
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (BagReader r : readers) {
            try {
                r.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
