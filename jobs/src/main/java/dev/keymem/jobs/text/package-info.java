/**
 * Text front end: {@link dev.keymem.jobs.text.LineMasker} (variable fields to typed placeholders),
 * {@link dev.keymem.jobs.text.Tokenizer} (jtokkit BPE, offline, with a token limit),
 * {@link dev.keymem.jobs.text.HashingEmbedder} (deterministic, model-free; the default) or the optional
 * {@link dev.keymem.jobs.text.MiniLmEmbedder}, combined by {@link dev.keymem.jobs.text.TextFrontEnd}
 * into per-line token ids or [T, d] embeddings.
 */
package dev.keymem.jobs.text;
