"""Reference PyTorch modules, data generators, training loops and exporters for keymem.

Never needed to build or test the Java project: the Java side reads only the committed artifacts
(safetensors + JSON config + golden fixtures)."""
