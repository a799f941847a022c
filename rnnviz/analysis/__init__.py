"""Analyses over the engine's readings: flag units (flags), gradient flow (gradients), gate
saturation (saturation), one cell's terms (anatomy), what the pages ask of a Trace (lab).
Each reads models or traces and never changes them; the pages show the results and compute nothing."""
