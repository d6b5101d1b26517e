package io.braid.producers.sim;

import org.apache.avro.specific.SpecificRecord;

/**
 * One record the simulator wants sent, in send order.
 *
 * @param stream which stream (topic) it belongs to
 * @param robot robot index; {@code sourceId} is the Kafka key
 * @param eventTime the event time written in the record (robot clock: skew and jitter included)
 * @param kafkaTimestamp the timestamp for the Kafka record (equals eventTime except for absurd timestamps)
 * @param nominalTime the true, un-skewed, un-jittered time of the event (epoch ms)
 * @param emitTime when it is sent on the simulated clock (later than nominalTime for out-of-order and late events)
 * @param record the Avro record (already carrying content-level malformations)
 * @param malformation the injected malformation, or null
 * @param duplicate true for the second send of a duplicated record
 * @param late true when held back by the late delay
 * @param outOfOrder true when held back by a short out-of-order delay
 * @param segmentId the robot's segment the event was rendered from
 * @param faultSeed seed for the byte-level corruption of wire-level malformations
 */
public record SimEvent(
        SimStream stream,
        int robot,
        String sourceId,
        long eventTime,
        long kafkaTimestamp,
        long nominalTime,
        long emitTime,
        SpecificRecord record,
        Malformation malformation,
        boolean duplicate,
        boolean late,
        boolean outOfOrder,
        long segmentId,
        long faultSeed) {

    SimEvent asDuplicate() {
        return new SimEvent(
                stream,
                robot,
                sourceId,
                eventTime,
                kafkaTimestamp,
                nominalTime,
                emitTime,
                record,
                malformation,
                true,
                late,
                outOfOrder,
                segmentId,
                faultSeed);
    }
}
