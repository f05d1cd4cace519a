package cai4j.constitution;

/** A priority level; rank 1 is the highest and wins conflicts. */
public record Tier(String id, int rank, String description) {}
