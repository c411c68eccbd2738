"""Candidates from the index, scores with evidence, explanations in words."""
