"""Analyses over the engine's readings: flag units (flags), gradient flow (gradients), gate
saturation (saturation). Each reads models and never changes them."""
