/**
 * Internal: what the jobs' own record serializers share (exact strings, a base serializer, a type information for
 * a serializer), and the runs of records ({@link dev.keymem.jobs.serde.RecordRuns}) that the jobs send to their
 * keyed steps.
 */
package dev.keymem.jobs.serde;
