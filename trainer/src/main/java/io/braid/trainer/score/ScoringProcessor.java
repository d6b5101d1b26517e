package io.braid.trainer.score;

import io.braid.avro.DeadLetter;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Prediction;
import io.braid.serde.WireFormatException;
import io.braid.topics.DeadLetterBound;
import io.braid.topics.TopicCatalog;
import io.braid.trainer.online.PairRejectedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decodes mm.windows records, buffers them in a changelogged store and scores them in micro-batches with the current
 * model. The buffer is what makes batching exactly-once safe: a window's input offset is committed together with
 * either its buffered copy or its outputs (exactly_once_v2), never with neither, and a restarted task finds its
 * windows in the restored store. The same store holds windows that wait for a first model, or (HOLD) for a model
 * fresh enough for them, up to {@code maxWaitingWindows}; beyond that the oldest waiting window goes to mm.dlq with
 * reason {@value #WAIT_OVERFLOW} (its raw bytes and offset, so it can be replayed): nothing is dropped silently, and
 * the stream keeps moving instead of blocking its thread past the poll interval.
 *
 * <p>Undecodable bytes go to mm.dlq at once (stage {@code deserialize}); a window the model refuses (shape,
 * vocabulary, values) when its batch is scored (stage {@code validate}). A registry that is down or misconfigured is
 * no property of the record, so it fails the task (retried by Kafka Streams) instead of dead-lettering good data.
 */
final class ScoringProcessor implements Processor<byte[], byte[], String, SpecificRecord> {
    static final String WAIT_OVERFLOW = "WAIT_OVERFLOW";

    private final ScoringOptions options;
    private final ModelSource models;
    private final ScoringMetrics metrics;
    private final Deserializer<MultimodalWindow> windows;
    private final Deserializer<ModelVersion> versions;
    /**
     * The buffer's content in memory, in arrival order: the store is written (for the changelog) and read back only
     * on restore, so a scoring pass neither iterates nor decodes it. A restored entry's window is decoded when scored.
     */
    private final TreeMap<Long, Pending> pending = new TreeMap<>();

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<Long, byte[]> buffer;
    private long nextSeq;
    private int buffered, fresh;
    /** Stream time of the wall clock when the oldest window not yet offered to a model arrived. */
    private long oldestFreshAtMs;

    private ModelVersion lastPassModel;

    ScoringProcessor(
            ScoringOptions options,
            ModelSource models,
            Deserializer<MultimodalWindow> windows,
            Deserializer<ModelVersion> versions) {
        this.options = options;
        this.models = models;
        this.metrics = models.metrics();
        this.windows = windows;
        this.versions = versions;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        buffer = context.getStateStore(ScoringTopology.BUFFER_STORE);
        try (KeyValueIterator<Long, byte[]> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                pending.put(kv.key, new Pending(kv.key, BufferedWindow.decode(kv.value), null));
                nextSeq = Math.max(nextSeq, kv.key + 1);
                buffered++;
            }
        }
        metrics.waiting.inc(buffered);
        fresh = buffered;
        oldestFreshAtMs = context.currentSystemTimeMs();
        // the global store is complete before tasks start: offer what it holds (a restart needs no new version)
        KeyValueStore<String, byte[]> stored = context.getStateStore(ScoringTopology.MODELS_STORE);
        try (KeyValueIterator<String, byte[]> it = stored.all()) {
            while (it.hasNext()) ModelsUpdater.offer(models, versions, options.modelsTopic(), it.next().value);
        }
        // checks several times per max wait: a batch is cut when it is full or when its oldest window has waited the
        // max wait, not at every tick (a tick-cut batch under load holds a window or two, and batch 1 costs 8x batch
        // 32 per window); so one setting gives short waits when idle and full batches under a backlog
        Duration tickEvery =
                Duration.ofMillis(Math.max(1, options.maxBatchWait().toMillis() / 4));
        context.schedule(tickEvery, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (fresh >= options.maxBatchSize()
                    || fresh == 0
                    || now - oldestFreshAtMs >= options.maxBatchWait().toMillis()) scoreBuffered();
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        BufferedWindow b = new BufferedWindow(
                meta == null ? options.windowsTopic() : meta.topic(),
                meta == null ? -1 : meta.partition(),
                meta == null ? -1 : meta.offset(),
                record.timestamp(),
                System.currentTimeMillis(),
                record.key(),
                record.value());
        MultimodalWindow w = decode(b);
        if (w == null) return;
        long seq = nextSeq++;
        buffer.put(seq, b.encode());
        pending.put(seq, new Pending(seq, b, w));
        buffered++;
        if (fresh++ == 0) oldestFreshAtMs = context.currentSystemTimeMs();
        metrics.waiting.inc();
        if (buffered > options.maxWaitingWindows()) evictOldest();
        if (fresh >= options.maxBatchSize() && models.current() != null) scoreBuffered();
    }

    /** The window, or null after dead-lettering bytes that are none. */
    private MultimodalWindow decode(BufferedWindow b) {
        try {
            MultimodalWindow w = windows.deserialize(b.topic(), b.value());
            if (w != null) return w;
            deadLetter(b, "deserialize", WireFormatException.Reason.NULL_PAYLOAD.name(), "no value");
        } catch (WireFormatException e) {
            if (e.reason() == WireFormatException.Reason.REGISTRY_UNAVAILABLE
                    || e.reason() == WireFormatException.Reason.REGISTRY_MISCONFIGURED) throw e;
            deadLetter(b, "deserialize", e.reason().name(), String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            deadLetter(b, "deserialize", PairRejectedException.Reason.DESERIALIZATION_FAILED.name(), e.toString());
        }
        return null;
    }

    /**
     * Scores every buffered window the current model may score, oldest first, in batches of at most
     * {@code maxBatchSize}; under HOLD, windows too new for the model stay buffered.
     */
    private void scoreBuffered() {
        if (buffered == 0) return;
        try (ModelSource.Lease lease = models.acquire()) {
            if (lease == null) return;
            if (fresh == 0 && lease.version().equals(lastPassModel)) return; // only held windows, same model
            boolean hold = options.stalenessPolicy() == StalenessPolicy.HOLD;
            List<Pending> batch = new ArrayList<>(options.maxBatchSize());
            for (Pending p : new ArrayList<>(pending.values())) {
                MultimodalWindow w = p.window() != null ? p.window() : decode(p.raw()); // restored after a restart
                if (w == null) {
                    remove(p.seq());
                    continue;
                }
                if (hold && WindowScorer.stale(w, lease.trainedThroughMs(), options.maxModelAge())) continue;
                if (p.window() == null) pending.put(p.seq(), p = new Pending(p.seq(), p.raw(), w));
                batch.add(p);
                if (batch.size() == options.maxBatchSize()) {
                    score(lease, batch);
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) score(lease, batch);
            fresh = 0;
            lastPassModel = lease.version();
        }
    }

    private record Pending(long seq, BufferedWindow raw, MultimodalWindow window) {}

    private void score(ModelSource.Lease lease, List<Pending> batch) {
        List<WindowScorer.Input> inputs = new ArrayList<>(batch.size());
        for (Pending p : batch)
            inputs.add(new WindowScorer.Input(p.window(), p.raw().readAtMs()));
        List<WindowScorer.Result> results =
                WindowScorer.score(lease, inputs, options.maxModelAge(), System::currentTimeMillis);
        long trainedThrough = lease.trainedThroughMs();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (results.get(i) instanceof WindowScorer.Scored s) {
                long ts = p.raw().timestamp();
                context.forward(new Record<>(p.window().getSourceId(), s.embedding(), ts));
                for (Prediction pr : s.predictions()) {
                    context.forward(new Record<>(p.window().getSourceId(), pr, ts));
                    metrics.predictions.inc();
                }
                metrics.scored.inc();
                if (s.embedding().getStale()) metrics.staleScored.inc();
                metrics.latency.observe(s.embedding().getLatencyMs() / 1000.0);
                metrics.modelAge.set((p.window().getWindowEnd().toEpochMilli() - trainedThrough) / 1000.0);
            } else if (results.get(i) instanceof WindowScorer.Rejected r) {
                deadLetter(p.raw(), "validate", r.reason().name(), r.message());
            }
            remove(p.seq());
        }
    }

    /** The oldest buffered window goes to mm.dlq: the waiting buffer is full. */
    private void evictOldest() {
        Pending oldest = pending.firstEntry().getValue();
        ModelVersion v = models.current();
        deadLetter(
                oldest.raw(),
                "score",
                WAIT_OVERFLOW,
                options.maxWaitingWindows() + " windows waiting ("
                        + (v == null ? "no model yet" : "model " + v.getVersion() + " too old for them under HOLD")
                        + "): the oldest is dead-lettered");
        remove(oldest.seq());
    }

    private void remove(long seq) {
        buffer.delete(seq);
        pending.remove(seq);
        buffered--;
        if (fresh > buffered) fresh = buffered;
        metrics.waiting.dec();
    }

    private void deadLetter(BufferedWindow b, String stage, String reason, String error) {
        DeadLetter d = DeadLetter.newBuilder()
                .setSourceTopic(b.topic())
                .setSourcePartition(b.partition())
                .setSourceOffset(b.offset())
                .setKey(b.key() == null ? null : ByteBuffer.wrap(b.key()))
                .setValue(b.value() == null ? null : ByteBuffer.wrap(b.value()))
                .setStage(stage)
                .setReason(reason)
                .setError(error)
                .setFailedAt(Instant.now())
                .build();
        // a window may be up to mm.windows' 4 MiB; mm.dlq takes 1 MiB: keep the head, the size and a hash
        DeadLetterBound.apply(d, TopicCatalog.maxDeadLetterPayloadBytes());
        String key = b.key() == null ? null : new String(b.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(key, d, b.timestamp()));
        metrics.deadLetters.labelValues(stage, reason).inc();
    }

    @Override
    public void close() {
        metrics.waiting.dec(buffered);
        pending.clear();
    }
}
