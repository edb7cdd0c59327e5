/**
 * Recurrent Memory Transformer (mechanisms.md section 4): a small transformer that carries {@code m x d}
 * memory vectors from segment to segment, in the decoder layout {@code [memory read | segment | memory
 * write]} and the encoder layout {@code [CLS] memory [SEP] segment [SEP]}, served from the safetensors
 * and config that {@code training/} exports (PyTorch's parameter names and layouts). {@link
 * dev.keymem.models.rmt.RmtModel} is the stateless model, {@link dev.keymem.models.rmt.RmtState} one
 * key's state (constant size), {@link dev.keymem.models.rmt.Rmt} the stream (outputs independent of
 * record cuts). See docs/rmt.md.
 */
package dev.keymem.models.rmt;
