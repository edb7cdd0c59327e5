/** Internal: what the jobs' own record serializers share (exact strings, a type information for a serializer). */
package dev.keymem.jobs.serde;
