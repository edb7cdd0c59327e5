/**
 * Memory models trained in PyTorch ({@code training/train_mc.py}) served exactly here: a one-layer
 * gated delta model with a one-token key shift, plain or with Memory Caching (GRM / SSC, learned gates
 * {@code u = x W_u} or parameter-free), over the existing cells and {@link
 * dev.keymem.models.caching.MemoryCaching}; and the MQAR generators used to measure it. See docs/rmt.md.
 */
package dev.keymem.models.trained;
