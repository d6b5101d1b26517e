package io.braid.producers.bag;

/** One recorded message: its channel, log time (receive time, ns since the epoch) and the serialized bytes. */
public record BagMessage(BagChannel channel, long sequence, long logTimeNs, long publishTimeNs, byte[] data) {}
