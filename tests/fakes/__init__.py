"""Fakes that behave: a scripted OpenAI-compatible HTTP server for the LLM answerer."""
