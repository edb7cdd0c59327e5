/**
 * Kafka plumbing for the jobs: {@link dev.keymem.jobs.kafka.KafkaConnection} (bootstrap servers and
 * {@code kafka.*} client properties passed through unchanged), {@link dev.keymem.jobs.kafka.KafkaIO}
 * (sources of raw {@link dev.keymem.jobs.kafka.KafkaRecord}s, exactly-once sinks, the dead-letter side
 * output), {@link dev.keymem.jobs.kafka.KafkaTopics} (topics checked writable before a job starts, plain-client
 * produce and read), {@link dev.keymem.jobs.kafka.ParseOrDeadLetter} with {@link dev.keymem.jobs.kafka.RecordParser}s
 * (bad records become {@link dev.keymem.operators.DeadLetter}s carrying reason and coordinates, the job
 * keeps running), and a local single-node KRaft broker ({@link dev.keymem.jobs.kafka.EmbeddedKafka},
 * {@link dev.keymem.jobs.kafka.LocalKafka}, {@link dev.keymem.jobs.kafka.KafkaTool}) for tests and
 * {@code kafka-setup/}.
 */
package dev.keymem.jobs.kafka;
