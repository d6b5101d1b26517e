package io.braid.producers.bag;

/**
 * A part of a bag that could not be read but did not stop the reading (a chunk with a bad CRC, a chunk that does not
 * decompress, a message on an unknown channel): the importer turns it into a dead letter.
 *
 * @param reason machine-friendly code, e.g. CHUNK_CRC_MISMATCH
 * @param detail what was wrong, with the file and byte offset
 * @param topic the topic when known, else null
 * @param bytes the head of the unreadable bytes (bounded by the importer)
 */
public record BagProblem(String reason, String detail, String topic, byte[] bytes) {}
