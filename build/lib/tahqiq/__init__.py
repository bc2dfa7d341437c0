"""Tahqiq: an Arabic news benchmark for entities, numbers and check-worthy claims."""
