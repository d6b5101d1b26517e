package io.braid.registry;

/** One version of a subject, as the registry returns it ({"subject","version","id","schema"}). */
public record RegisteredSchema(String subject, int version, int id, String schema) {}
