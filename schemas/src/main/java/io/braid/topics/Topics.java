package io.braid.topics;

import io.braid.avro.CameraFrame;
import io.braid.avro.DeadLetter;
import io.braid.avro.Embedding;
import io.braid.avro.LateEvent;
import io.braid.avro.ModelVersion;
import io.braid.avro.MultimodalWindow;
import io.braid.avro.Prediction;
import io.braid.avro.SegmentLabels;
import io.braid.avro.SensorChunk;
import io.braid.avro.TextEvent;
import io.braid.avro.TrainingPair;
import java.util.List;

/** Every topic of DESIGN.md's contract table, typed by its key and value record. */
public final class Topics {
    public static final Topic<String, SensorChunk> SENSOR = Topic.bySource(TopicCatalog.SENSOR, SensorChunk.class);
    public static final Topic<String, CameraFrame> VISION = Topic.bySource(TopicCatalog.VISION, CameraFrame.class);
    public static final Topic<String, TextEvent> TEXT = Topic.bySource(TopicCatalog.TEXT, TextEvent.class);
    public static final Topic<String, SegmentLabels> LABELS = Topic.bySource(TopicCatalog.LABELS, SegmentLabels.class);
    public static final Topic<String, MultimodalWindow> WINDOWS =
            Topic.bySource(TopicCatalog.WINDOWS, MultimodalWindow.class);
    public static final Topic<String, TrainingPair> TRAIN = Topic.bySource(TopicCatalog.TRAIN, TrainingPair.class);
    public static final Topic<String, ModelVersion> MODELS = Topic.bySource(TopicCatalog.MODELS, ModelVersion.class);
    public static final Topic<String, Embedding> EMBEDDINGS = Topic.bySource(TopicCatalog.EMBEDDINGS, Embedding.class);
    public static final Topic<String, Prediction> PREDICTIONS =
            Topic.bySource(TopicCatalog.PREDICTIONS, Prediction.class);
    public static final Topic<String, DeadLetter> DLQ = Topic.bySource(TopicCatalog.DLQ, DeadLetter.class);
    public static final Topic<String, LateEvent> LATE = Topic.bySource(TopicCatalog.LATE, LateEvent.class);

    public static final List<Topic<String, ?>> ALL =
            List.of(SENSOR, VISION, TEXT, LABELS, WINDOWS, TRAIN, MODELS, EMBEDDINGS, PREDICTIONS, DLQ, LATE);

    private Topics() {}
}
