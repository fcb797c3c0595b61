"""Turning retrieved passages into an Answer: spans, evidence, conflicts, abstention, composition."""
