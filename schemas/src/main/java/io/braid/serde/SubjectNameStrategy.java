package io.braid.serde;

import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/** How a serializer names the registry subject for a record (Confluent's three classic strategies). */
@FunctionalInterface
public interface SubjectNameStrategy {
    String subjectName(String topic, boolean isKey, Schema schema);

    /** {@code <topic>-key} / {@code <topic>-value}: one type per topic (the default). */
    SubjectNameStrategy TOPIC = (topic, isKey, schema) -> topic + (isKey ? "-key" : "-value");

    /** The record's fully-qualified name: many types per topic, compatibility per type across topics. */
    SubjectNameStrategy RECORD = (topic, isKey, schema) -> schema.getFullName();

    /** {@code <topic>-<fully.qualified.Name>}: many types per topic, compatibility per topic and type. */
    SubjectNameStrategy TOPIC_RECORD = (topic, isKey, schema) -> topic + "-" + schema.getFullName();

    /**
     * Accepts {@code TopicNameStrategy}, {@code RecordNameStrategy}, {@code TopicRecordNameStrategy} as simple names,
     * as Confluent's class names ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}) or as a class /
     * instance implementing this interface.
     */
    static SubjectNameStrategy fromConfig(Object value) {
        if (value == null) return TOPIC;
        if (value instanceof SubjectNameStrategy s) return s;
        String name =
                value instanceof Class<?> c ? c.getName() : value.toString().trim();
        String simple = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        switch (simple) {
            case "topicnamestrategy", "topic", "":
                return TOPIC;
            case "recordnamestrategy", "record":
                return RECORD;
            case "topicrecordnamestrategy", "topic_record", "topicrecord":
                return TOPIC_RECORD;
            default:
                break;
        }
        try {
            Class<?> c = value instanceof Class<?> k ? k : Class.forName(name);
            if (SubjectNameStrategy.class.isAssignableFrom(c)) {
                return (SubjectNameStrategy) c.getDeclaredConstructor().newInstance();
            }
        } catch (ReflectiveOperationException | LinkageError ignored) {
            // reported below
        }
        throw new ConfigException(
                "subject.name.strategy",
                name,
                "use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy (simple or Confluent class name)");
    }
}
