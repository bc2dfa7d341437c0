"""Annotation sessions in Label Studio: a local server in its own venv, push of seeds and gold, lossless pull."""
